#include "daemon/http/http_config.hpp"

#include <arpa/inet.h>

#include <array>

#include <fmt/format.h>

namespace personsync::http {
namespace {

using config::reload;
using config::value_kind;
using row = config::bound_key<http_config>;

constexpr std::array keys{
    row{{.name = "enabled", .kind = value_kind::boolean,
         .on_reload = reload::needs_restart, .help = "Serve /metrics, /healthz and /readyz."},
        &http_config::enabled},
    row{{.name = "listen_address", .kind = value_kind::string,
         .on_reload = reload::needs_restart,
         .help = "IPv4 or IPv6 address to listen on. Loopback by default: put a proxy in front to expose it."},
        &http_config::listen_address},
    row{{.name = "port", .kind = value_kind::integer, .on_reload = reload::needs_restart,
         .min = 0, .max = 65535, .help = "TCP port (0: the OS picks one, for tests)."},
        &http_config::port},
};

bool is_ip_address(const std::string& text) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

}  // namespace

const config::key_table<http_config>& http_config::table() {
  static const config::key_table<http_config> table(keys);
  return table;
}

http_config http_config::from_config(const config::section& s) {
  http_config out;
  table().read(s, out);
  if (!is_ip_address(out.listen_address)) {
    s.error("listen_address", fmt::format("'{}' is not an IP address", out.listen_address));
  }
  return out;
}

}  // namespace personsync::http
