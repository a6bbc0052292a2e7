#pragma once
// Why records are one person, or why not, from a resolution of their area:
// the links that join a person's records, the path of links between two
// records, or what keeps them apart (a constraint, a blocked or quarantined
// value, a kind that does not cross providers, or no evidence at all). Pure.

#include <optional>
#include <string>
#include <vector>

#include "daemon/identity/resolver.hpp"

namespace personsync::identity {

struct link_step {
  std::string from, to;                 // record keys
  std::optional<identifier_value> via;  // none: an operator's must_link
};

struct unused_value {
  std::string record;
  identifier_value value;
  std::string why;  // blocked / quarantined / kind disabled
};

struct person_explanation {
  std::string person;
  std::vector<std::string> records;
  std::vector<link_step> links;
  std::vector<unused_value> unused;
  bool frozen = false;
};

struct pair_explanation {
  std::optional<std::string> person_a, person_b;
  bool same_person = false;
  std::vector<link_step> path;          // when one person
  std::vector<std::string> apart_because;  // when not
};

person_explanation explain_person(const resolution_input& in, const resolution& out, const std::string& person,
                                  const identity_config& config, const value_policy& policy);

pair_explanation explain_pair(const resolution_input& in, const resolution& out, std::size_t a, std::size_t b,
                              const identity_config& config, const value_policy& policy);

}  // namespace personsync::identity
