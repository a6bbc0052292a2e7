#pragma once
// What the identity commands share: who acts and why (--actor, --reason), and
// how a resolution is reported.

#include <array>
#include <string>

#include <boost/json/object.hpp>

#include "daemon/cli/arguments.hpp"
#include "daemon/resolution/operator_changes.hpp"
#include "daemon/store/identity_store.hpp"

namespace personsync::cli {

inline constexpr option_spec reason_option{.name = "reason", .value_name = "TEXT",
                                           .help = "why (required; kept with the change)"};
inline constexpr option_spec actor_option{.name = "actor", .value_name = "NAME",
                                          .help = "who (default: $SUDO_USER, else $USER)"};
inline constexpr option_spec json_option{.name = "json", .help = "print one JSON object instead of text"};

resolution::operator_context operator_context_of(const arguments& args);

boost::json::object to_json(const store::resolution_summary& s);
// "resolution 4 (incremental): 12 dirty records, …"; to_text prefixes "identity: ".
std::string describe(const store::resolution_summary& s);
std::string to_text(const store::resolution_summary& s);

}  // namespace personsync::cli
