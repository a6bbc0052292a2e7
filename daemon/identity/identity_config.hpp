#pragma once
// How records are linked into persons, as the [identity] section sets it (read by
// settings/identity_section: this layer knows no config file). Per identifier
// kind ([identity.kinds.<kind>]): whether it is used, its priority, whether it
// links records of different providers, and how many records one value may link
// before it is quarantined.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace personsync::identity {

enum class identifier_kind { email, email_loose, phone, whop_person_id, whop_user_id, posthog_distinct_id };

std::span<const identifier_kind> all_identifier_kinds();
std::string_view name_of(identifier_kind kind);

struct kind_rule {
  bool enabled = true;
  int priority = 0;         // lower links first
  bool cross_source = true;
  int max_records = 0;      // a value on more records than this is quarantined
};

struct identity_config {
  std::string phone_default_region = "US";
  int max_component_size = 1000;
  bool upstream_split_pins_cannot_link = true;
  std::vector<std::string> blocked_values;
  std::vector<std::string> blocked_patterns;  // RE2 regular expressions, matched whole
  std::map<identifier_kind, kind_rule> kinds;

  // Every default, as an empty [identity] section gives.
  static identity_config defaults();
};

}  // namespace personsync::identity
