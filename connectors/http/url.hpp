#pragma once
// What the client needs of a URL, and building query strings.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace personsync::net {

struct endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  std::string port;    // always set: the scheme's default when the URL has none
  std::string target;  // path and query, at least "/"

  // scheme://host:port — what connections are pooled by, and what a `next` link must match.
  [[nodiscard]] std::string origin() const { return scheme + "://" + host + ":" + port; }
  [[nodiscard]] bool is_tls() const { return scheme == "https"; }
  // The Host header: the port only when it is not the scheme's default (RFC 9110 §7.2).
  [[nodiscard]] std::string host_header() const {
    const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    const bool default_port = (is_tls() && port == "443") || (!is_tls() && port == "80");
    return default_port ? name : name + ":" + port;
  }
};

// nullopt for anything that is not an absolute http(s) URL.
std::optional<endpoint> parse_endpoint(std::string_view url);

// True for an address in 127.0.0.0/8, ::1 (bracketed or not, or IPv4-mapped loopback) and the
// name `localhost`: decided from the parsed address, so that no DNS name passes as loopback.
bool is_loopback_host(std::string_view host);

// "a=1&b=x%20y" from the pairs, each part percent-encoded.
std::string encode_query(const std::vector<std::pair<std::string, std::string>>& params);

// One path segment percent-encoded (an id, email or phone a lookup puts in the path).
std::string encode_path_segment(std::string_view segment);

}  // namespace personsync::net
