#include "connectors/http/url.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/ip/address.hpp>
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
  if (host.size() == 9 && boost::algorithm::iequals(host, "localhost")) return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  // From the parsed address, never from a prefix of the text: "127.attacker.example" is a DNS name.
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
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
