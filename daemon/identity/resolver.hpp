#pragma once
// The resolver: from the records of a dirty area (every record of the
// components touched since the last resolution), the constraints and the
// previous assignment, the new persons with stable ids, the retired ids with
// their successors, and the events that say what changed and why. Pure: no
// I/O, no clock, no randomness; the same input in any order gives the same
// output.
//
// Records link only through identifier values, in a deterministic order:
// operators' must_link first, then by kind priority, then by when the later
// record was first seen, then by record key. A link that would join records an
// operator or an upstream split keeps apart (cannot_link) is rejected and
// reported; a blocked value never links; a value held by more records than its
// kind allows is quarantined and never links.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "daemon/identity/identity_config.hpp"
#include "daemon/identity/normalize.hpp"
#include "daemon/identity/provider.hpp"
#include "daemon/identity/value_policy.hpp"

namespace personsync::identity {

// Why a record is in the dirty area; an event takes the strongest cause among its records.
enum class cause { none, new_record, rule, record_deleted, upstream_split, upstream_merge, manual };
std::string_view name_of(cause c);

struct record_evidence {
  std::string key;     // "source/scope/source_key": orders records and derives person ids
  enum provider source = provider::whop;
  std::int64_t first_seen = 0;  // unix seconds personsync first landed it
  bool live = true;             // false: deleted upstream; given so that its old person is known
  std::vector<identifier_value> identifiers;
  std::optional<std::string> previous_person;
  // The person it was in when it was deleted upstream: if it comes back (a false delete repaired, an
  // account restored) and no live person claims its group, that person comes back with it.
  std::optional<std::string> last_person;
  std::optional<std::string> merged_into;  // key of the record that absorbed it upstream
  enum cause cause = cause::none;
};

struct previous_person {
  std::string id;
  std::int64_t created_at = 0;
};

struct record_pair {
  std::string a, b;  // record keys
  std::int64_t constraint_id = 0;  // the operator's handle (`personsync unpin`); 0 when none
};

struct value_degree {
  identifier_value value;
  std::int64_t records = 0;  // live records holding it, in the whole landing
};

struct resolution_input {
  std::vector<record_evidence> records;
  std::vector<previous_person> persons;  // every person a record of the area was in
  std::vector<previous_person> deleted_persons;  // deleted persons a record of the area was last in
  std::vector<record_pair> must_link;
  std::vector<record_pair> cannot_link;
  std::vector<value_degree> degrees;     // holders outside the area count toward the guard
  std::unordered_set<std::string> reserved_ids;  // ids in use outside the area
};

struct person_result {
  std::string id;
  std::vector<std::size_t> records;  // indices into the input, sorted by key
  bool is_new = false;   // an id never published before
  bool revived = false;  // a deleted person given back to its returning records: published again, not new
};

struct retired_person {
  std::string id;
  std::optional<std::string> successor;  // merged into; none: deleted
};

enum class event_kind { create, merge, split, move, remove };
std::string_view name_of(event_kind k);

struct identity_event {
  event_kind kind;
  std::vector<std::string> before;  // person ids
  std::vector<std::string> after;
  enum cause cause;
  std::vector<std::string> records;  // keys of the records that moved, for a move
};

struct link {
  std::size_t a, b;  // record indices
  std::optional<identifier_value> via;  // none: an operator's must_link
};

struct rejected_link {
  std::size_t a, b;
  std::optional<identifier_value> via;
  std::string reason;
};

struct quarantined_value {
  identifier_value value;
  std::int64_t records;
};

struct frozen_component {
  std::vector<std::size_t> records;
};

struct resolution {
  std::vector<std::optional<std::string>> person_of;  // per input record; none: not live, or frozen and new
  std::vector<person_result> persons;
  std::vector<retired_person> retired;
  std::vector<identity_event> events;
  std::vector<link> links;
  std::vector<rejected_link> rejected;
  std::vector<quarantined_value> quarantined;
  std::vector<frozen_component> frozen;
  // The old persons whose records in a frozen component stay with them, each with the records it has
  // now (key order): its records outside the component went their way, and its golden record follows
  // what is left. Not in `persons`, which are the clusters this resolution published.
  std::vector<person_result> frozen_persons;
  // Values held by records of more than one person (a record without one counts alone), or by records
  // outside the area: one entry per kind held. What is not crossing is held within one person, whose
  // records, once loaded, are all its holders: an incremental resolution looks up the holders of these,
  // and of the values its queued records took up, only.
  std::vector<identifier_value> crossing;
};

resolution resolve(const resolution_input& input, const identity_config& config, const value_policy& policy);

// The id a person gets when no old person claims its records: derived from its
// smallest record key, so that a rebuild from scratch reproduces it. Among old
// persons that claim a group, the one that holds this id keeps it.
std::string derived_person_id(std::string_view smallest_record_key, int attempt = 0);

}  // namespace personsync::identity
