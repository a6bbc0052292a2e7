#pragma once
// The [identity] section and each [identity.kinds.<kind>]: their keys, bound to
// identity::identity_config and identity::kind_rule, and the reader that checks
// them (regions, patterns, kind names). Kept here, not in identity/, so that the
// pure resolver knows no config file.

#include <span>
#include <string>
#include <vector>

#include "common/config/key_table.hpp"
#include "common/config/section.hpp"
#include "daemon/identity/identity_config.hpp"

namespace personsync::settings {

const config::key_table<identity::identity_config>& identity_keys();
// Each kind's keys take their defaults from identity::identity_config::defaults(), not from
// kind_rule's initializers.
const config::key_table<identity::kind_rule>& identity_kind_keys();

identity::identity_config read_identity_config(const config::section& s);

// [identity] as a component of the settings registry (daemon_config.cpp): its keys, its
// reader, and what a reload keeps, each kind's keys among them ("kinds.email.priority").
struct identity_section {
  static std::span<const config::key_spec> config_keys() { return identity_keys().specs(); }
  static identity::identity_config from_config(const config::section& s) { return read_identity_config(s); }
  static std::vector<std::string> keep_what_needs_restart(const identity::identity_config& running,
                                                          identity::identity_config& next);
};

// Every key's value, each kind's included, as the tables list them: what a resolution
// hashes to notice that the rules changed (a new key is in it without anyone adding it).
std::string identity_canonical_text(const identity::identity_config& c);

}  // namespace personsync::settings
