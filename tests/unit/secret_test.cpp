// A secret cannot reach a log line by accident: it does not format, stream or
// convert; reveal() is the only way to its bytes.

#include <ostream>
#include <string>
#include <type_traits>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/secret.hpp"

namespace personsync {
namespace {

template <typename T>
concept streamable = requires(std::ostream& os, const T& v) { os << v; };

static_assert(!fmt::is_formattable<secret>::value, "a secret must not be formattable by fmt/spdlog");
static_assert(!streamable<secret>, "a secret must not be streamable");
static_assert(!std::is_convertible_v<secret, std::string>, "a secret must not convert to a string");
static_assert(!std::is_convertible_v<secret, std::string_view>, "a secret must not convert to a string_view");
static_assert(!std::is_convertible_v<std::string, secret>, "a string must not silently become a secret");

TEST(Secret, RevealsItsValueOnlyWhenAsked) {
  const secret s(std::string("sk_live_123"));
  EXPECT_EQ(s.reveal(), "sk_live_123");
  EXPECT_FALSE(s.empty());
  const secret copy = s;
  EXPECT_EQ(copy, s);
}

}  // namespace
}  // namespace personsync
