#include "daemon/http/http_config.hpp"

#include <arpa/inet.h>

#include <array>

#include <fmt/format.h>

namespace personsync::http {
namespace {

using config::key_spec;
using config::reload;
using config::value_kind;

constexpr std::array keys{
    key_spec{.name = "enabled", .kind = value_kind::boolean, .default_value = "true",
             .on_reload = reload::needs_restart, .help = "Serve /metrics, /healthz and /readyz."},
    key_spec{.name = "listen_address", .kind = value_kind::string, .default_value = "127.0.0.1",
             .on_reload = reload::needs_restart,
             .help = "IPv4 or IPv6 address to listen on. Loopback by default: put a proxy in front to expose it."},
    key_spec{.name = "port", .kind = value_kind::integer, .default_value = "9187", .on_reload = reload::needs_restart,
             .min = 0, .max = 65535, .help = "TCP port (0: the OS picks one, for tests)."},
};

bool is_ip_address(const std::string& text) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

}  // namespace

std::span<const config::key_spec> http_config::config_keys() { return keys; }

http_config http_config::from_config(const config::section& s) {
  http_config out;
  out.enabled = s.boolean("enabled");
  out.listen_address = s.string("listen_address");
  out.port = static_cast<std::uint16_t>(s.integer("port"));
  if (!is_ip_address(out.listen_address)) {
    s.error("listen_address", fmt::format("'{}' is not an IP address", out.listen_address));
  }
  return out;
}

}  // namespace personsync::http
