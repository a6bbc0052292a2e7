#pragma once
// What an identity constraint says, as identity_constraints.kind holds it.

#include <optional>
#include <string_view>

#include "common/enum_names.hpp"

namespace personsync::store {

enum class constraint_kind {
  must_link,    // two records are one person
  cannot_link,  // two records are never one person
  block_value,  // a value links nothing (of one kind, or of every kind)
};

constexpr std::string_view name_of(constraint_kind k) noexcept {
  switch (k) {
    case constraint_kind::must_link: return "must_link";
    case constraint_kind::cannot_link: return "cannot_link";
    case constraint_kind::block_value: return "block_value";
  }
  return "block_value";
}

// The kind `name` names, as name_of writes it; nullopt for any other text.
constexpr std::optional<constraint_kind> constraint_kind_named(std::string_view name) noexcept {
  return enum_named(name, {constraint_kind::must_link, constraint_kind::cannot_link, constraint_kind::block_value});
}

}  // namespace personsync::store
