#pragma once
// Which provider a record comes from. The resolver compares it for every pair of
// holders it links, so it is an enum there, not the source column's text.

#include <cstdint>
#include <optional>
#include <string_view>

namespace personsync::identity {

enum class provider : std::uint8_t { whop, posthog };

constexpr std::string_view name_of(provider p) { return p == provider::whop ? "whop" : "posthog"; }

constexpr std::optional<provider> provider_named(std::string_view name) {
  if (name == "whop") return provider::whop;
  if (name == "posthog") return provider::posthog;
  return std::nullopt;
}

}  // namespace personsync::identity
