#include "connectors/http/url.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace personsync::net {

std::optional<endpoint> parse_endpoint(std::string_view url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority() || parsed->host().empty()) return std::nullopt;
  endpoint e;
  e.scheme = parsed->scheme();
  if (e.scheme != "http" && e.scheme != "https") return std::nullopt;
  e.host = parsed->host_address();
  if (parsed->host_type() == boost::urls::host_type::ipv6) e.host = std::string(parsed->encoded_host_address());
  e.port = parsed->has_port() ? std::string(parsed->port()) : (e.scheme == "https" ? "443" : "80");
  e.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) e.target += "?" + std::string(parsed->encoded_query());
  return e;
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

std::string encode_query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += boost::urls::encode(key, boost::urls::unreserved_chars);
    out += '=';
    out += boost::urls::encode(value, boost::urls::unreserved_chars);
  }
  return out;
}

std::string encode_path_segment(std::string_view segment) {
  return boost::urls::encode(segment, boost::urls::unreserved_chars);
}

}  // namespace personsync::net
