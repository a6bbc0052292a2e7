#include "connectors/source_config.hpp"

#include <array>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "common/sha256.hpp"
#include "connectors/http/url.hpp"

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
    key_spec{.name = "ca_file", .kind = value_kind::string,
             .help = "PEM file of the CAs to trust for this source, instead of the system's store."},
    key_spec{.name = "concurrency", .kind = value_kind::integer, .default_value = "4", .min = 1, .max = 64,
             .help = "Requests in flight at once for this source."},
    key_spec{.name = "max_retries", .kind = value_kind::integer, .default_value = "8", .min = 0, .max = 100,
             .help = "Tries after the first for one request failing with 5xx, a timeout or a broken connection."},
    key_spec{.name = "retry_base_delay", .kind = value_kind::duration, .default_value = "500ms", .min = 0.001,
             .max = 60, .help = "First backoff ceiling; doubles per retry (full jitter)."},
    key_spec{.name = "retry_max_delay", .kind = value_kind::duration, .default_value = "30s", .min = 0.001,
             .max = 3600, .help = "Largest backoff ceiling."},
    key_spec{.name = "connect_timeout", .kind = value_kind::duration, .default_value = "10s", .min = 0.1, .max = 300,
             .help = "Connecting, including the TLS handshake."},
    key_spec{.name = "request_timeout", .kind = value_kind::duration, .default_value = "60s", .min = 0.1, .max = 3600,
             .help = "Sending one request and reading its whole response."},
    key_spec{.name = "idle_timeout", .kind = value_kind::duration, .default_value = "30s", .min = 0.1, .max = 3600,
             .help = "A kept-alive connection idle longer is not reused."},
    key_spec{.name = "interval", .kind = value_kind::duration, .min = 1, .max = 7 * 86400,
             .help = "personsync run: time between incremental runs of this source (default: [schedule] interval)."},
    key_spec{.name = "full_interval", .kind = value_kind::duration, .min = 60, .max = 90 * 86400,
             .help = "personsync run: time between full sweeps of this source (default: [schedule] full_interval)."},
    key_spec{.name = "drift_tolerance", .kind = value_kind::number, .default_value = "0.01", .min = 0, .max = 1,
             .help = "Share by which a sweep may differ from the total the provider announced; beyond it the "
                     "sweep deletes nothing."},
    key_spec{.name = "max_rejected_share", .kind = value_kind::number, .default_value = "0.01", .min = 0, .max = 1,
             .help = "Share of a sweep's items that may break the provider's contract; beyond it the run fails."},
    key_spec{.name = "body_limit_mib", .kind = value_kind::integer, .default_value = "64", .min = 1, .max = 4096,
             .help = "Largest response body accepted, in MiB."},
};

}  // namespace

std::string source_config::credential_id() const {
  return token ? sha256_hex(token->reveal()).substr(0, 16) : std::string();
}

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
  out.http.allow_insecure_http = s.boolean("allow_insecure_http");
  out.http.connect_timeout = s.duration("connect_timeout");
  out.http.request_timeout = s.duration("request_timeout");
  out.http.idle_timeout = s.duration("idle_timeout");
  out.http.body_limit = static_cast<std::uint64_t>(s.integer("body_limit_mib")) << 20;
  out.concurrency = static_cast<std::size_t>(s.integer("concurrency"));
  out.max_retries = static_cast<unsigned>(s.integer("max_retries"));
  out.backoff = {s.duration("retry_base_delay"), s.duration("retry_max_delay")};
  out.drift_tolerance = s.number("drift_tolerance");
  out.max_rejected_share = s.number("max_rejected_share");
  if (s.has("interval")) out.interval = s.duration("interval");
  if (s.has("full_interval")) out.full_interval = s.duration("full_interval");

  static const std::regex name_pattern("[a-z0-9][a-z0-9_-]{0,62}");
  if (s.has("name") && !std::regex_match(out.name, name_pattern)) {
    s.error("name", fmt::format("'{}' is not a valid source name: use 1 to 63 lowercase letters, digits, '_' "
                                "and '-', starting with a letter or digit", out.name));
  }

  const std::string rate_text = s.string("rate_limit");
  if (const auto windows = paging::parse_rate_limit(rate_text)) {
    out.rate_limit = *windows;
  } else {
    s.error("rate_limit", fmt::format("'{}' is not a rate limit: write windows like \"180/min, 1200/hour\", "
                                      "or \"none\"", rate_text));
  }

  if (const auto ca = s.optional_string("ca_file")) {
    std::filesystem::path path(*ca);
    if (path.is_relative()) path = s.context().config_dir / path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      s.error("ca_file", fmt::format("cannot read CA file {}", path.string()));
    }
    out.http.ca_file = path;
  }

  const auto url = net::parse_endpoint(out.base_url);
  if (!url) {
    s.error("base_url", fmt::format("'{}' is not an absolute http(s) URL", out.base_url));
  } else if (out.base_url.find_first_of("?#@") != std::string::npos) {
    s.error("base_url", "must not carry a query, a fragment or user info (credentials go in token_file or token_env)");
  } else if (!url->is_tls() && !net::is_loopback_host(url->host) && !out.http.allow_insecure_http) {
    s.error("base_url", fmt::format("plain http to '{}' would send the token unencrypted: use https, or set "
                                    "allow_insecure_http = true", url->host));
  }
  while (out.base_url.ends_with('/')) out.base_url.pop_back();
  return out;
}

}  // namespace personsync::connectors
