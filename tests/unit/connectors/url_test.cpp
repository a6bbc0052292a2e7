#include <gtest/gtest.h>

#include "connectors/http/url.hpp"

namespace personsync::net {
namespace {

TEST(Url, EndpointsWithAndWithoutPorts) {
  const auto a = parse_endpoint("https://api.whop.com/api/v1/people?first=5");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "api.whop.com");
  EXPECT_EQ(a->port, "443");
  EXPECT_EQ(a->target, "/api/v1/people?first=5");
  EXPECT_EQ(a->origin(), "https://api.whop.com:443");

  const auto b = parse_endpoint("http://127.0.0.1:8080");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->target, "/");
  EXPECT_EQ(b->origin(), "http://127.0.0.1:8080");
  EXPECT_EQ(parse_endpoint("https://us.posthog.com:443/x")->origin(), parse_endpoint("https://us.posthog.com/y")->origin());

  EXPECT_FALSE(parse_endpoint("ftp://example.com/"));
  EXPECT_FALSE(parse_endpoint("/relative"));
  EXPECT_FALSE(parse_endpoint("not a url"));
}

TEST(Url, HostHeaderCarriesOnlyANonDefaultPort) {
  EXPECT_EQ(parse_endpoint("https://api.whop.com/x")->host_header(), "api.whop.com");
  EXPECT_EQ(parse_endpoint("https://api.whop.com:8443/x")->host_header(), "api.whop.com:8443");
  EXPECT_EQ(parse_endpoint("http://127.0.0.1:41615/x")->host_header(), "127.0.0.1:41615");
  EXPECT_EQ(parse_endpoint("http://localhost:80/")->host_header(), "localhost");
}

TEST(Url, QueryPartsArePercentEncoded) {
  EXPECT_EQ(encode_query({{"a", "1"}, {"filters", R"([{"field":"ltv","operator":"gt","value":"5"}])"}}),
            "a=1&filters=%5B%7B%22field%22%3A%22ltv%22%2C%22operator%22%3A%22gt%22%2C%22value%22%3A%225%22%7D%5D");
  EXPECT_EQ(encode_query({{"q", "a b&c=d"}}), "q=a%20b%26c%3Dd");
}

TEST(Url, Loopback) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.8.9.10"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_TRUE(is_loopback_host("::ffff:127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("LocalHost"));
  EXPECT_FALSE(is_loopback_host("128.0.0.1"));
  EXPECT_FALSE(is_loopback_host("api.whop.com"));
  // Names that only look like loopback: the token would go out in clear to whoever answers them.
  EXPECT_FALSE(is_loopback_host("127.attacker.example"));
  EXPECT_FALSE(is_loopback_host("127.0.0.1.attacker.example"));
  EXPECT_FALSE(is_loopback_host("localhost.attacker.example"));
  EXPECT_FALSE(is_loopback_host("::2"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host(""));
  // From a parsed URL, as the config check and the client see it.
  EXPECT_FALSE(is_loopback_host(parse_endpoint("http://127.attacker.example/api")->host));
  EXPECT_TRUE(is_loopback_host(parse_endpoint("http://[::1]:8080/api")->host));
}

}  // namespace
}  // namespace personsync::net
