#include "connectors/source_config.hpp"

#include <array>
#include <regex>

#include <boost/url/parse.hpp>
#include <fmt/format.h>

namespace personsync::connectors {
namespace {

using config::key_spec;
using config::value_kind;

constexpr std::array shared_keys{
    key_spec{.name = "name", .kind = value_kind::string, .required = true,
             .help = "Unique name of this source: lowercase letters, digits, '_' and '-'."},
    key_spec{.name = "token", .kind = value_kind::credential, .required = true,
             .help = "API key: token_file (path, relative to $CREDENTIALS_DIRECTORY when set) or token_env."},
    key_spec{.name = "allow_insecure_http", .kind = value_kind::boolean, .default_value = "false",
             .help = "Allow plain http:// to a host that is not loopback."},
};

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host == "::1" || host.starts_with("127.");
}

}  // namespace

std::vector<key_spec> source_keys(std::span<const key_spec> provider_keys) {
  std::vector<key_spec> keys(shared_keys.begin(), shared_keys.end());
  keys.insert(keys.end(), provider_keys.begin(), provider_keys.end());
  return keys;
}

source_config read_source_config(const config::section& s) {
  source_config out;
  out.name = s.string("name");
  out.base_url = s.string("base_url");
  out.token = s.credential("token");
  out.allow_insecure_http = s.boolean("allow_insecure_http");

  static const std::regex name_pattern("[a-z0-9][a-z0-9_-]{0,62}");
  if (s.has("name") && !std::regex_match(out.name, name_pattern)) {
    s.error("name", fmt::format("'{}' is not a valid source name: use 1 to 63 lowercase letters, digits, '_' "
                                "and '-', starting with a letter or digit", out.name));
  }

  const auto url = boost::urls::parse_absolute_uri(out.base_url);
  if (!url) {
    s.error("base_url", fmt::format("'{}' is not an absolute URL", out.base_url));
  } else if (url->scheme() != "https" && url->scheme() != "http") {
    s.error("base_url", fmt::format("scheme must be https (or http to a loopback host), got '{}'", url->scheme()));
  } else if (url->has_query() || url->has_fragment() || url->has_userinfo()) {
    s.error("base_url", "must not carry a query, a fragment or user info (credentials go in token_file or token_env)");
  } else if (url->scheme() == "http" && !is_loopback_host(url->host()) && !out.allow_insecure_http) {
    s.error("base_url", fmt::format("plain http to '{}' would send the token unencrypted: use https, or set "
                                    "allow_insecure_http = true", std::string(url->host())));
  }
  while (out.base_url.ends_with('/')) out.base_url.pop_back();
  return out;
}

}  // namespace personsync::connectors
