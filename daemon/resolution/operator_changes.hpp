#pragma once
// What operators change by hand — merge, split, block, unpin — as persistent
// constraints with actor, reason and time, applied at once: the records they
// touch are queued and resolved, and every later resolution honours them.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "daemon/identity/identity_config.hpp"
#include "daemon/store/identity_store.hpp"

namespace personsync::resolution {

// The request cannot be carried out as asked (unknown person, a record not in it, …).
class operator_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct operator_context {
  std::string actor;
  std::string reason;
};

struct operator_result {
  std::vector<std::int64_t> constraints;  // added or removed
  store::resolution_summary resolution;
  std::vector<std::string> persons_after;  // the persons the change left, for the report
};

// Merges two persons: a must_link between their smallest records. Fails (and
// keeps nothing) when a cannot_link keeps them apart.
operator_result merge_persons(soci::session& session, const identity::identity_config& config,
                              const std::string& person_a, const std::string& person_b, const operator_context& ctx);

// Splits `records` (keys) off a person, or every record apart when none are given.
operator_result split_person(soci::session& session, const identity::identity_config& config, const std::string& person,
                             const std::vector<std::string>& records, const operator_context& ctx);

// Blocks a value from linking, for one kind (normalized as that kind) or for all.
operator_result block_value(soci::session& session, const identity::identity_config& config, const std::string& value,
                            const std::optional<std::string>& kind, const operator_context& ctx);

operator_result unpin(soci::session& session, const identity::identity_config& config,
                      const std::vector<std::int64_t>& constraint_ids, const operator_context& ctx);

// The live person an id names now, following a redirect.
std::string live_person(store::identity_store& store, const std::string& person_id);

}  // namespace personsync::resolution
