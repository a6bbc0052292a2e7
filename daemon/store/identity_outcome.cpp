#include "daemon/store/identity_store.hpp"

// The steps that write one resolution's outcome in the caller's transaction: persons with
// their golden records, assignments, retirements, events and guards (composed by
// resolution/write_outcome.cpp).

#include <set>
#include <unordered_set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "daemon/store/copy_in.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/golden_update.sql.hpp"
#include "daemon/store/indexes_set_aside.hpp"
#include "daemon/store/sql_arrays.hpp"

namespace personsync::store {

using identity::identifier_value;

void identity_store::publish_golden(const std::vector<golden_row>& new_persons,
                                    const std::vector<golden_row>& known_persons, bool full) {
  constexpr const char* columns =
      "(person_id, name, email, phone, first_seen_at, last_seen_at, ltv, purchase_count, aov, has_failed_payment, "
      "properties, attribution, record_count)";
  const auto copy_all = [](binary_chunked_copy& copy, const std::vector<golden_row>& persons) {
    for (const auto& [id, g] : persons) {
      binary_copy_rows& rows = copy.rows();
      using r = binary_copy_rows;
      rows.uuid(id);
      rows.nullable(g.name, &r::text);
      rows.nullable(g.email, &r::text);
      rows.nullable(g.phone, &r::text);
      rows.nullable(g.first_seen, &r::timestamptz);
      rows.nullable(g.last_seen, &r::timestamptz);
      rows.nullable(g.ltv, &r::float8);
      rows.nullable(g.purchase_count, &r::int8);
      rows.nullable(g.aov, &r::float8);
      rows.nullable(g.has_failed_payment, &r::boolean);
      rows.nullable(g.properties, &r::jsonb);
      rows.nullable(g.attribution, &r::jsonb);
      rows.int4(static_cast<std::int32_t>(g.record_count));
      copy.end_row();
    }
    copy.finish();
  };
  // Their ids are free (checked by resolve_avoiding_collisions, or all reserved in a full resolution):
  // no conflict to look for.
  if (!new_persons.empty()) {
    // Into an empty table (the first resolution, always a full one), the key is built once after the
    // load rather than kept up row by row, and the planner learns the table's size: without it, the
    // next resolution scanned every person to find the few that redirect to a retired one. Readers of
    // the empty table wait for the commit meanwhile.
    int empty = 0;
    if (full && known_persons.empty()) {
      session_ << "SELECT (NOT EXISTS (SELECT 1 FROM persons))::int", soci::into(empty);
    }
    std::optional<indexes_set_aside> indexes;
    if (empty) indexes.emplace(session_, "persons");
    binary_chunked_copy copy(session_, fmt::format("COPY persons {} FROM STDIN", columns));
    copy_all(copy, new_persons);
    if (indexes) indexes->rebuild();
  }
  if (!known_persons.empty()) {
    execute_script(session_,
                   "CREATE TEMP TABLE IF NOT EXISTS golden_rows (LIKE persons INCLUDING DEFAULTS) ON COMMIT DELETE ROWS; "
                   "TRUNCATE golden_rows;");
    binary_chunked_copy copy(session_, fmt::format("COPY golden_rows {} FROM STDIN", columns));
    copy_all(copy, known_persons);
    session_ << golden_update_sql;
  }
}

// A deleted record's person is remembered, and a revived person is live again: a record that comes back
// gets its person back (identity::record_evidence::last_person).
void identity_store::remember_last_persons(const std::vector<identity::record_evidence>& records,
                                           const std::vector<std::int64_t>& ids, const identity::resolution& result) {
  std::vector<std::int64_t> left, back;
  std::vector<std::string> left_persons;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!records[i].live && records[i].previous_person && !result.person_of[i]) {
      left.push_back(ids[i]);
      left_persons.push_back(*records[i].previous_person);
    } else if (records[i].last_person && result.person_of[i]) {
      back.push_back(ids[i]);
    }
  }
  if (!back.empty()) session_ << "DELETE FROM record_last_persons WHERE record_id = ANY(" + id_array(back) + ")";
  if (!left.empty()) {
    session_ << "INSERT INTO record_last_persons (record_id, person_id) "
                "SELECT * FROM unnest(" + id_array(left) + ", CAST(" + quote_literal(session_, uuid_array(left_persons)) +
                    " AS uuid[])) ON CONFLICT (record_id) DO UPDATE SET person_id = EXCLUDED.person_id";
  }
  std::vector<std::string> revived;
  for (const identity::person_result& p : result.persons) {
    if (p.revived) revived.push_back(p.id);
  }
  if (!revived.empty()) {
    session_ << "UPDATE persons SET status = 'active', successor = NULL, retired_at = NULL, updated_at = now() "
                "WHERE person_id = ANY(CAST(" + quote_literal(session_, uuid_array(revived)) + " AS uuid[]))";
  }
}

// Everything of the outcome but the golden records: assignments, retirements, events, and the guards
// (quarantine, frozen components, rejected links). Returns how many values are quarantined.
std::size_t identity_store::write_membership(std::int64_t resolution_id, bool full,
                                             const std::vector<identity::record_evidence>& records,
                                             const std::vector<std::int64_t>& ids, const identity::resolution& result) {
  // Assignments: a full resolution rewrites them all; an incremental one only those that changed.
  std::vector<std::int64_t> reassigned;
  for (std::size_t i = 0; i < records.size() && !full; ++i) {
    if (result.person_of[i] != records[i].previous_person) reassigned.push_back(ids[i]);
  }
  std::optional<indexes_set_aside> indexes;
  if (full) {
    execute_script(session_, "TRUNCATE record_persons");
    indexes.emplace(session_, "record_persons");
  } else if (!reassigned.empty()) {
    session_ << "DELETE FROM record_persons WHERE record_id = ANY(" + id_array(reassigned) + ")";
  }
  binary_chunked_copy assignments(session_, "COPY record_persons (record_id, person_id) FROM STDIN");
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!result.person_of[i] || (!full && result.person_of[i] == records[i].previous_person)) continue;
    assignments.rows().int8(ids[i]);
    assignments.rows().uuid(*result.person_of[i]);
    assignments.end_row();
  }
  assignments.finish();
  if (indexes) indexes->rebuild();  // indexed once, after the load

  // Retired ids: merged ones redirect to their successor, and every redirect to
  // them now points there too, so that a redirect is always one step to a live person.
  if (!result.retired.empty()) {
    boost::json::array retired;
    for (const identity::retired_person& r : result.retired) {
      retired.push_back(boost::json::object{
          {"id", r.id}, {"successor", r.successor ? boost::json::value(*r.successor) : boost::json::value(nullptr)}});
    }
    const std::string json = boost::json::serialize(retired);
    session_ << "UPDATE persons p SET status = CASE WHEN r.successor IS NULL THEN 'deleted' ELSE 'merged' END, "
                "  successor = r.successor, retired_at = now(), updated_at = now() "
                "FROM jsonb_to_recordset(CAST(:r AS jsonb)) AS r(id uuid, successor uuid) WHERE p.person_id = r.id",
        soci::use(json);
    session_ << "UPDATE persons p SET status = CASE WHEN r.successor IS NULL THEN 'deleted' ELSE 'merged' END, "
                "  successor = r.successor, updated_at = now() "
                "FROM jsonb_to_recordset(CAST(:r AS jsonb)) AS r(id uuid, successor uuid) WHERE p.successor = r.id",
        soci::use(json);
  }

  remember_last_persons(records, ids, result);

  binary_chunked_copy events(session_,
                             "COPY identity_event_log (kind, before_person_ids, after_person_ids, cause, records, "
                             "resolution_id) FROM STDIN");
  for (const identity::identity_event& e : result.events) {
    binary_copy_rows& rows = events.rows();
    rows.text(identity::name_of(e.kind));
    rows.uuid_array(e.before);
    rows.uuid_array(e.after);
    rows.text(identity::name_of(e.cause));
    rows.text_array(e.records);
    rows.int8(resolution_id);
    events.end_row();
  }
  events.finish();

  // Quarantine, frozen components and rejected links: replaced for the area.
  if (full) {
    execute_script(session_, "TRUNCATE quarantined_values, frozen_components, rejected_links;");
  } else {
    std::vector<std::string> keys;
    keys.reserve(records.size());
    for (const identity::record_evidence& r : records) keys.push_back(r.key);
    // The quarantined values are few, and sending every value of the area to find them cost 50 ms at 28k records.
    std::unordered_set<std::string> quarantined_before;
    for (identifier_value& q : quarantined()) quarantined_before.insert(std::move(q.value));
    std::set<std::string> values;  // the area's, and those it let go of that stay quarantined (a new count)
    for (const identity::record_evidence& r : records) {
      for (const identifier_value& v : r.identifiers) {
        if (quarantined_before.contains(v.value)) values.insert(v.value);
      }
    }
    for (const identity::quarantined_value& q : result.quarantined) {
      if (quarantined_before.contains(q.value.value)) values.insert(q.value.value);
    }
    if (!values.empty()) {
      const std::string value_json = json_strings({values.begin(), values.end()});
      session_ << "DELETE FROM quarantined_values WHERE value IN (SELECT jsonb_array_elements_text(CAST(:v AS jsonb)))",
          soci::use(value_json);
    }
    const std::string key_json = json_strings(keys);
    session_ << "DELETE FROM frozen_components WHERE first_record IN (SELECT jsonb_array_elements_text(CAST(:k AS jsonb)))",
        soci::use(key_json);
    session_ << "DELETE FROM rejected_links WHERE record_a IN (SELECT jsonb_array_elements_text(CAST(:k AS jsonb))) "
                "OR record_b IN (SELECT jsonb_array_elements_text(CAST(:k2 AS jsonb)))",
        soci::use(key_json), soci::use(key_json);
  }
  copy_rows quarantined;
  std::set<std::pair<std::string, std::string>> seen;
  for (const identity::quarantined_value& q : result.quarantined) {
    if (!seen.emplace(std::string(identity::name_of(q.value.kind)), q.value.value).second) continue;
    quarantined.field(identity::name_of(q.value.kind));
    quarantined.field(q.value.value);
    quarantined.field(std::to_string(q.records));
    quarantined.end_row();
  }
  if (quarantined.rows() > 0) copy_in(session_, "COPY quarantined_values (kind, value, records) FROM STDIN", quarantined);
  copy_rows frozen;
  for (const identity::frozen_component& f : result.frozen) {
    frozen.field(records[f.records.front()].key);
    frozen.field(std::to_string(f.records.size()));
    frozen.end_row();
  }
  if (frozen.rows() > 0) copy_in(session_, "COPY frozen_components (first_record, records) FROM STDIN", frozen);
  copy_rows rejected;
  for (const identity::rejected_link& r : result.rejected) {
    rejected.field(records[r.a].key);
    rejected.field(records[r.b].key);
    if (r.via) {
      rejected.field(identity::name_of(r.via->kind));
      rejected.field(r.via->value);
    } else {
      rejected.null_field();
      rejected.null_field();
    }
    rejected.field(r.reason);
    rejected.end_row();
  }
  if (rejected.rows() > 0) {
    copy_in(session_, "COPY rejected_links (record_a, record_b, via_kind, via_value, reason) FROM STDIN", rejected);
  }

  return quarantined.rows();
}

void identity_store::write_crossing(bool full, const std::vector<identifier_value>& set,
                                    const std::vector<identifier_value>& cleared) {
  const auto copy_all = [&](const std::string& statement, const std::vector<identifier_value>& values) {
    chunked_copy copy(session_, statement);
    for (const identifier_value& v : values) {
      copy.rows().field(identity::name_of(v.kind));
      copy.rows().field(v.value);
      copy.end_row();
    }
    copy.finish();
  };
  if (full) {
    execute_script(session_, "TRUNCATE crossing_identifiers;");
  } else if (!cleared.empty()) {
    execute_script(session_, "CREATE TEMP TABLE IF NOT EXISTS crossing_cleared (kind text, value text COLLATE \"C\") "
                             "ON COMMIT DELETE ROWS; TRUNCATE crossing_cleared;");
    copy_all("COPY crossing_cleared (kind, value) FROM STDIN", cleared);
    session_ << "DELETE FROM crossing_identifiers c USING crossing_cleared x WHERE c.kind = x.kind AND c.value = x.value";
  }
  if (!set.empty()) copy_all("COPY crossing_identifiers (kind, value) FROM STDIN", set);
}

std::int64_t identity_store::begin_resolution(const std::string& mode, const std::string& settings_hash,
                                              std::size_t dirty, std::size_t area) {
  long long resolution_id = 0;
  const long long dirty_count = static_cast<long long>(dirty), area_count = static_cast<long long>(area);
  session_ << "INSERT INTO identity_runs (mode, dirty_records, area_records, settings_hash) "
              "VALUES (:m, :d, :a, :h) RETURNING resolution_id",
      soci::use(mode), soci::use(dirty_count), soci::use(area_count), soci::use(settings_hash), soci::into(resolution_id);
  return resolution_id;
}

void identity_store::finish_resolution(const resolution_summary& summary) {
  const long long touched_count = static_cast<long long>(summary.persons_touched),
                  event_count = static_cast<long long>(summary.events),
                  rejected_count = static_cast<long long>(summary.rejected),
                  quarantined_count = static_cast<long long>(summary.quarantined),
                  frozen_count = static_cast<long long>(summary.frozen);
  const long long resolution_id = summary.resolution_id;
  session_ << "UPDATE identity_runs SET finished_at = clock_timestamp(), persons_touched = :p, events = :e, "
              "rejected_links = :r, quarantined = :q, frozen = :f WHERE resolution_id = :id",
      soci::use(touched_count), soci::use(event_count), soci::use(rejected_count), soci::use(quarantined_count),
      soci::use(frozen_count), soci::use(resolution_id);
}

}  // namespace personsync::store
