#pragma once
// Reading back an enum that leaves the program as text (a checkpoint, a table's column).

#include <initializer_list>
#include <optional>
#include <string_view>

namespace personsync {

// The enumerator of `all` that name_of (found beside the enum) writes as `name`; nullopt for any
// other text.
template <class Enum>
constexpr std::optional<Enum> enum_named(std::string_view name, std::initializer_list<Enum> all) noexcept {
  for (const Enum e : all) {
    if (name_of(e) == name) return e;
  }
  return std::nullopt;
}

}  // namespace personsync
