#pragma once
// Which Whop value is which. The seed names two fields, `id` and `person_id`,
// without saying which holds the Whop user id (`user_…`, what an app sends to
// PostHog as a distinct id) and which the person id (`prsn_…`); Whop's current
// API sends `id` = person id and the user as `user.id` (and `user_ids[]` on a
// retrieve). So values are classified by their prefix, never by their field,
// and every reading of the docs lands the same record with the same links.

#include <string>
#include <string_view>
#include <vector>

#include "connectors/json_fields.hpp"

namespace personsync::whop {

enum class whop_id_kind { user, person };

// `user_…` is a user id; `prsn_…` and any value without a known prefix are person
// ids (an unknown value then links only within Whop, never falsely to PostHog).
whop_id_kind classify_id(std::string_view value) noexcept;

struct whop_ids {
  // The landing's source_key: the person id (`prsn_…`) when the item carries one,
  // else its `id`. A person is what Whop lists, merges and retrieves.
  std::string record_key;
  std::vector<std::string> user_ids;    // distinct, in the item's order
  std::vector<std::string> person_ids;  // distinct, in the item's order
};

// From `id` (required), `person_id`, `user.id` and `user_ids[]`; throws field_error.
whop_ids read_ids(const connectors::fields& item);

}  // namespace personsync::whop
