#include "connectors/source_config.hpp"

#include <array>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "common/sha256.hpp"
#include "connectors/http/url.hpp"

namespace personsync::connectors {
namespace {

using config::key_spec;
using config::value_kind;
using row = config::bound_key<source_config>;

void read_ca_file(const config::section& s, std::string_view key, source_config& out) {
  std::filesystem::path path(s.string(key));
  if (path.is_relative()) path = s.context().config_dir / path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) s.error(key, fmt::format("cannot read CA file {}", path.string()));
  out.http.ca_file = path;
}

constexpr config::custom_member<source_config> ca_file_member{
    &read_ca_file,
    [](const source_config& c) { return c.http.ca_file ? c.http.ca_file->string() : std::string(); },
    [](const source_config& from, source_config& to) { to.http.ca_file = from.http.ca_file; }};

// Read in MiB, held in bytes.
constexpr config::custom_member<source_config> body_limit_mib_member{
    [](const config::section& s, std::string_view key, source_config& out) {
      out.http.body_limit = static_cast<std::uint64_t>(s.integer(key)) << 20;
    },
    [](const source_config& c) { return config::value_text(c.http.body_limit >> 20); },
    [](const source_config& from, source_config& to) { to.http.body_limit = from.http.body_limit; }};

constexpr std::array shared_rows{
    row{{.name = "name", .kind = value_kind::string, .required = true,
         .help = "Unique name of this source: lowercase letters, digits, '_' and '-'."},
        &source_config::name},
    row{{.name = "token", .kind = value_kind::credential, .required = true,
         .help = "API key: token_file (path, relative to $CREDENTIALS_DIRECTORY when set) or token_env."},
        &source_config::token},
    row{{.name = "allow_insecure_http", .kind = value_kind::boolean,
         .help = "Allow plain http:// to a host that is not loopback."},
        config::nested<&source_config::http, &net::client_options::allow_insecure_http>()},
    row{{.name = "ca_file", .kind = value_kind::string,
         .help = "PEM file of the CAs to trust for this source, instead of the system's store."},
        ca_file_member},
    row{{.name = "concurrency", .kind = value_kind::integer, .min = 1, .max = 64,
         .help = "Requests in flight at once for this source."},
        &source_config::concurrency},
    row{{.name = "max_retries", .kind = value_kind::integer, .min = 0, .max = 100,
         .help = "Tries after the first for one request failing with 5xx, a timeout or a broken connection."},
        &source_config::max_retries},
    row{{.name = "retry_base_delay", .kind = value_kind::duration, .min = 0.001, .max = 60,
         .help = "First backoff ceiling; doubles per retry (full jitter)."},
        config::nested<&source_config::backoff, &paging::backoff_policy::base>()},
    row{{.name = "retry_max_delay", .kind = value_kind::duration, .min = 0.001, .max = 3600,
         .help = "Largest backoff ceiling."},
        config::nested<&source_config::backoff, &paging::backoff_policy::cap>()},
    row{{.name = "connect_timeout", .kind = value_kind::duration, .min = 0.1, .max = 300,
         .help = "Connecting, including the TLS handshake."},
        config::nested<&source_config::http, &net::client_options::connect_timeout>()},
    row{{.name = "request_timeout", .kind = value_kind::duration, .min = 0.1, .max = 3600,
         .help = "Sending one request and reading its whole response."},
        config::nested<&source_config::http, &net::client_options::request_timeout>()},
    row{{.name = "idle_timeout", .kind = value_kind::duration, .min = 0.1, .max = 3600,
         .help = "A kept-alive connection idle longer is not reused."},
        config::nested<&source_config::http, &net::client_options::idle_timeout>()},
    row{{.name = "interval", .kind = value_kind::duration, .min = 1, .max = 7 * 86400,
         .help = "personsync run: time between incremental runs of this source (default: [schedule] interval)."},
        &source_config::interval},
    row{{.name = "full_interval", .kind = value_kind::duration, .min = 60, .max = 90 * 86400,
         .help = "personsync run: time between full sweeps of this source (default: [schedule] full_interval)."},
        &source_config::full_interval},
    row{{.name = "drift_tolerance", .kind = value_kind::number, .min = 0, .max = 1,
         .help = "Share by which a sweep may differ from the total the provider announced; beyond it the "
                 "sweep deletes nothing."},
        &source_config::drift_tolerance},
    row{{.name = "max_rejected_share", .kind = value_kind::number, .min = 0, .max = 1,
         .help = "Share of a sweep's items that may break the provider's contract; beyond it the run fails."},
        &source_config::max_rejected_share},
    row{{.name = "body_limit_mib", .kind = value_kind::integer, .min = 1, .max = 4096,
         .help = "Largest response body accepted, in MiB."},
        body_limit_mib_member},
};

}  // namespace

std::string source_config::credential_id() const {
  return token ? sha256_hex(token->reveal()).substr(0, 16) : std::string();
}

const config::key_table<source_config>& shared_source_keys() {
  static const config::key_table<source_config> table(shared_rows);
  return table;
}

std::vector<key_spec> source_keys(std::span<const key_spec> provider_keys) {
  const auto shared = shared_source_keys().specs();
  std::vector<key_spec> keys(shared.begin(), shared.end());
  keys.insert(keys.end(), provider_keys.begin(), provider_keys.end());
  return keys;
}

std::string rate_limit_text(const std::vector<paging::rate_window>& windows) {
  if (windows.empty()) return "none";
  std::string out;
  for (const paging::rate_window& w : windows) {
    using std::chrono::hours, std::chrono::minutes, std::chrono::seconds;
    const auto [count, unit] = w.period % hours(24) == w.period.zero()  ? std::pair(w.period / hours(24), "day")
                               : w.period % hours(1) == w.period.zero() ? std::pair(w.period / hours(1), "hour")
                               : w.period % minutes(1) == w.period.zero() ? std::pair(w.period / minutes(1), "min")
                                                                          : std::pair(w.period / seconds(1), "s");
    // parse_rate_limit reads one unit per window: a period of several units is not its text.
    if (count != 1) throw std::logic_error("a rate window spans several units");
    out += fmt::format("{}{}/{}", out.empty() ? "" : ", ", w.requests, unit);
  }
  return out;
}

void read_rate_limit(const config::section& s, std::string_view key, std::vector<paging::rate_window>& out) {
  const std::string text = s.string(key);
  if (auto windows = paging::parse_rate_limit(text)) {
    out = std::move(*windows);
  } else {
    s.error(key, fmt::format("'{}' is not a rate limit: write windows like \"180/min, 1200/hour\", or \"none\"", text));
  }
}

void read_shared_source_keys(const config::section& s, source_config& out) {
  shared_source_keys().read(s, out);

  static const std::regex name_pattern("[a-z0-9][a-z0-9_-]{0,62}");
  if (s.has("name") && !std::regex_match(out.name, name_pattern)) {
    s.error("name", fmt::format("'{}' is not a valid source name: use 1 to 63 lowercase letters, digits, '_' "
                                "and '-', starting with a letter or digit", out.name));
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
}

}  // namespace personsync::connectors
