#include "daemon/identity/kind_rules.hpp"

namespace personsync::identity {

kind_rules::kind_rules(const identity_config& config)
    : rules_(all_identifier_kinds().size(), kind_rule{.enabled = false}) {
  for (const auto& [kind, rule] : config.kinds) rules_.at(static_cast<std::size_t>(kind)) = rule;
}

}  // namespace personsync::identity
