#pragma once
// What identity resolution reads from and writes to PostgreSQL: landed records
// with their raw identifiers and current person, the normalized identifiers,
// constraints, and one resolution's outcome — persons, assignments, redirects,
// events, quarantine — written together in the caller's transaction. The outcome's
// writing lives in identity_outcome.cpp, the rest in identity_store.cpp.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <string>
#include <unordered_set>
#include <vector>

#include <soci/soci.h>

#include "daemon/store/constraint_kind.hpp"
#include "daemon/identity/golden_record.hpp"
#include "daemon/identity/resolver.hpp"

namespace personsync::store {

struct landed_record {
  std::int64_t record_id = 0;
  std::string source, scope, source_key;
  std::int64_t first_seen = 0;  // unix seconds
  bool live = true;
  std::string identifiers_json;  // [{"kind","value"}] as the connector sent them
  std::optional<std::string> merged_into;  // source_key of the absorbing record (same source and scope)
  std::optional<std::string> person;
  std::optional<std::string> last_person;  // the person it was in when deleted upstream (record_last_persons)
  identity::record_facts facts;  // what it gives its person's golden record
};

// "source/scope/source_key": how records are named in constraints, events and the CLI.
std::string record_key(std::string_view source, std::string_view scope, std::string_view source_key);

struct stored_identifier {
  std::int64_t record_id;
  identity::identifier_value value;
};

struct active_constraint {
  std::int64_t id;
  constraint_kind kind = constraint_kind::must_link;
  std::string record_a, record_b;
  std::optional<std::string> value_kind, value;
  std::string cause, actor, reason, created_at;
};

struct resolution_summary {
  std::int64_t resolution_id = 0;
  std::string mode;
  std::size_t dirty = 0, area = 0, persons_touched = 0, events = 0, rejected = 0, quarantined = 0, frozen = 0;
};

// What `status` shows of identity: sizes, what waits, what is held back.
struct identity_overview {
  std::int64_t active_persons = 0, merged_persons = 0, deleted_persons = 0, queued_records = 0;
  std::int64_t must_links = 0, cannot_links = 0, blocked_values = 0;
  struct quarantined {
    std::string kind, value;
    std::int64_t records;
  };
  std::vector<quarantined> quarantined_values;  // the largest first
  std::int64_t quarantined_total = 0;
  struct frozen {
    std::string first_record;
    std::int64_t records;
  };
  std::vector<frozen> frozen_components;
  std::optional<resolution_summary> last_resolution;
  std::optional<std::string> last_resolution_at;  // ISO 8601, UTC
};

class identity_store {
 public:
  explicit identity_store(soci::session& session);

  // Serializes resolutions (and operators' commands) for the caller's transaction.
  void lock();

  [[nodiscard]] std::optional<std::string> last_settings_hash();
  // The normalized identifiers are unlogged: a crash or a failover empties them while records keep their persons.
  [[nodiscard]] bool identifiers_lost();
  // The planner's estimate: counting a million rows would cost an incremental resolution more than it saves.
  [[nodiscard]] std::int64_t estimated_record_count();

  // Consumes the queue: record ids and whether an operator queued them; `everything`
  // when a bulk load asked for a full resolution instead (queue_marker_everything).
  struct dirty_queue {
    std::map<std::int64_t, bool> records;
    bool everything = false;
  };
  dirty_queue take_dirty();
  void queue(const std::vector<std::int64_t>& record_ids, bool manual);

  std::vector<landed_record> records(const std::vector<std::int64_t>& ids);
  // Every live record, and every deleted one that still has a person: all but their facts' texts,
  // which each_record_text reads (a statement, and so a snapshot, of its own).
  void each_record(const std::function<void(landed_record&&)>& on_record);
  struct record_text {
    std::optional<std::string> properties, attribution;
  };
  void each_record_text(const std::function<void(std::int64_t record_id, record_text&&)>& on_record);
  std::vector<std::int64_t> ids_of_keys(const std::vector<std::string>& keys);
  std::vector<std::int64_t> records_of_persons(const std::vector<std::string>& person_ids);
  // The keys (source/scope/source_key) of a person's live records, sorted.
  std::vector<std::string> live_keys_of_person(const std::string& person_id);
  // The persons the records of these keys are in now, sorted, each once (keys of no record count none).
  std::vector<std::string> persons_of_keys(const std::vector<std::string>& keys);
  std::vector<std::int64_t> records_holding(const std::vector<identity::identifier_value>& values);

  std::vector<stored_identifier> identifiers_of(const std::vector<std::int64_t>& ids);
  // Holders (live records) of each value, across the whole landing.
  std::vector<stored_identifier> holders_of(const std::vector<std::string>& values);
  // Only what changed: rows that went, rows that came.
  void update_identifiers(const std::vector<stored_identifier>& gone, const std::vector<stored_identifier>& added);
  // The table rebuilt from these records, the whole landing (ids[i] is records[i]).
  void rebuild_identifiers(const std::vector<std::int64_t>& ids, const std::vector<identity::record_evidence>& records);

  // The values marked as crossing (see identity::resolution::crossing): the few that are not held within
  // one person, read whole, where asking about each value of an area cost 50 ms a round at 1M records.
  std::vector<identity::identifier_value> crossing();
  // A full resolution's marks replace them all; an incremental one sets and clears those of its area.
  void write_crossing(bool full, const std::vector<identity::identifier_value>& set,
                      const std::vector<identity::identifier_value>& cleared);
  // The values the last resolutions quarantined: few, read whole.
  std::vector<identity::identifier_value> quarantined();

  std::vector<identity::previous_person> persons(const std::vector<std::string>& ids);
  // Those of `ids` that are deleted persons: returning records may take them back.
  std::vector<identity::previous_person> deleted_persons(const std::vector<std::string>& ids);
  std::unordered_set<std::string> existing_persons(const std::vector<std::string>& ids);
  // Every person id ever used: one read, where a full resolution would otherwise send each new id back.
  std::unordered_set<std::string> all_person_ids();

  // The active constraints, or the one with that id if it is active.
  std::vector<active_constraint> constraints(std::optional<std::int64_t> only = std::nullopt);
  std::int64_t add_constraint(const active_constraint& c);
  // Returns the constraint as it was, or nullopt when there is no active one with that id.
  std::optional<active_constraint> remove_constraint(std::int64_t id, const std::string& actor, const std::string& reason);

  // One resolution's outcome, in steps that resolution::write_outcome composes in the caller's
  // transaction. `records` are as given to the resolver and `ids` theirs, in the same order.
  //
  // Opens its identity_runs row; returns the resolution id.
  std::int64_t begin_resolution(const std::string& mode, const std::string& settings_hash, std::size_t dirty,
                                std::size_t area);
  // Everything of the outcome but the golden records: assignments, retirements, events, and the
  // guards; returns how many values it quarantined.
  std::size_t write_membership(std::int64_t resolution_id, bool full, const std::vector<identity::record_evidence>& records,
                               const std::vector<std::int64_t>& ids, const identity::resolution& result);
  // Inserts new persons with their golden record, updates known ones whose record changed.
  using golden_row = std::pair<std::string_view, identity::golden_record>;
  void publish_golden(const std::vector<golden_row>& new_persons, const std::vector<golden_row>& known_persons,
                      bool full);
  // Closes the identity_runs row with the summary's counts.
  void finish_resolution(const resolution_summary& summary);

  // Persons by id (live, or retired with their successor), for the CLI.
  struct person_status {
    std::string id, status;
    std::optional<std::string> successor;
  };
  std::optional<person_status> person(const std::string& id);

  identity_overview overview(std::size_t list_limit = 10);
  // The events one resolution wrote: (kind, cause, count).
  std::vector<std::tuple<std::string, std::string, std::int64_t>> events_by_kind_and_cause(std::int64_t resolution_id);

 private:
  void remember_last_persons(const std::vector<identity::record_evidence>& records,
                             const std::vector<std::int64_t>& ids, const identity::resolution& result);
  soci::session& session_;
};

}  // namespace personsync::store
