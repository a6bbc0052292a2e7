#include "daemon/store/identity_store.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "daemon/store/copy_in.hpp"
#include "daemon/store/copy_out.hpp"
#include "daemon/store/identity_queue.hpp"
#include "daemon/store/indexes_set_aside.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/sql_arrays.hpp"

namespace personsync::store {
namespace {

using identity::identifier_value;

// Read in the binary format (copy_out_binary): the server sends times, numbers and the person's uuid
// as it stores them, where formatting them as text was a third of its work in reading a million records.
constexpr const char* record_columns =
    "SELECT r.record_id, r.source, r.scope, r.source_key, r.first_seen_at, r.deleted_at IS NULL, r.identifiers, "
    "  r.merged_into, rp.person_id, r.name, r.ltv, r.purchase_count, r.has_failed_payment, "
    "  coalesce(r.provider_first_seen_at, r.provider_created_at), "
    "  coalesce(r.provider_last_seen_at, r.provider_created_at), "
    "  coalesce(r.provider_last_seen_at, r.last_synced_at), lp.person_id ";
// Sending these JSON columns is most of the server's work in reading records (1.5 s of 3.2 s at a
// million, as text): a full resolution reads them apart, while the resolver runs (each_record_text).
constexpr const char* record_text_columns =
    ", CASE WHEN jsonb_typeof(r.properties) = 'object' THEN r.properties END, r.attribution ";
// Every live record, and every deleted one that still has a person.
constexpr const char* records_of_a_full_resolution =
    "FROM source_records r LEFT JOIN record_persons rp USING (record_id) "
    "  LEFT JOIN record_last_persons lp USING (record_id) "
    "WHERE r.deleted_at IS NULL OR rp.person_id IS NOT NULL";

template <typename T>
T number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::runtime_error(fmt::format("not a number from the database: '{}'", text));
  }
  return value;
}

// Whole seconds as `extract(epoch FROM t)::bigint` gives them, which the first resolutions used: halves
// away from zero.
std::int64_t rounded_unix_seconds(std::int64_t micros) {
  return micros >= 0 ? (micros + 500'000) / 1'000'000 : -((500'000 - micros) / 1'000'000);
}

std::optional<std::string> optional_text(const std::optional<std::string_view>& text) {
  return text ? std::optional(std::string(*text)) : std::nullopt;
}

std::optional<std::string> optional_jsonb(const std::optional<std::string_view>& field) {
  return field ? std::optional(std::string(binary_field::jsonb_text(*field))) : std::nullopt;
}

template <typename Decode>
auto optional_of(const std::optional<std::string_view>& field, Decode decode) -> std::optional<decltype(decode(*field))> {
  if (!field) return std::nullopt;
  return decode(*field);
}

// A row of record_columns (and record_text_columns), in the binary format. The reader hands over
// as many fields as the row has; a query that selects fewer than these is refused here, not read past.
landed_record record_of(copy_row f) {
  if (f.size() != 17 && f.size() != 19) {
    throw std::runtime_error(fmt::format("a landed record's row has {} fields where 17 or 19 were selected", f.size()));
  }
  landed_record r;
  r.record_id = binary_field::int8(*f[0]);
  r.source = *f[1];
  r.scope = *f[2];
  r.source_key = *f[3];
  r.first_seen = rounded_unix_seconds(binary_field::timestamptz_unix_micros(*f[4]));
  r.live = binary_field::boolean(*f[5]);
  r.identifiers_json = binary_field::jsonb_text(*f[6]);
  r.merged_into = optional_text(f[7]);
  r.person = optional_of(f[8], binary_field::uuid_text);
  identity::record_facts& facts = r.facts;
  facts.name = optional_text(f[9]);
  facts.ltv = optional_of(f[10], binary_field::float8);
  facts.purchase_count = optional_of(f[11], binary_field::int8);
  facts.has_failed_payment = optional_of(f[12], binary_field::boolean);
  facts.first_seen = optional_of(f[13], binary_field::timestamptz_unix_micros);
  facts.last_seen = optional_of(f[14], binary_field::timestamptz_unix_micros);
  facts.recency = optional_of(f[15], binary_field::timestamptz_unix_micros).value_or(0);
  r.last_person = optional_of(f[16], binary_field::uuid_text);
  if (f.size() > 17) {
    facts.properties = optional_jsonb(f[17]);
    facts.attribution = optional_jsonb(f[18]);
  }
  return r;
}

// Reads go through COPY rather than SOCI's rowsets, whose per-row cost was most of an incremental
// resolution's growth; parameters are quoted into the query text, which COPY cannot take them apart from.
std::vector<std::int64_t> copied_ids(soci::session& session, const std::string& query) {
  std::vector<std::int64_t> out;
  copy_out(session, query, [&](copy_row f) { out.push_back(number<std::int64_t>(*f[0])); });
  return out;
}

// (record_id, kind, value) rows.
std::vector<stored_identifier> copied_identifiers(soci::session& session, const std::string& query) {
  std::vector<stored_identifier> out;
  copy_out(session, query, [&](copy_row f) {
    if (const auto kind = identity::kind_named(*f[1])) {
      out.push_back({number<std::int64_t>(*f[0]), {*kind, std::string(*f[2])}});
    }
  });
  return out;
}

// (kind, value) rows.
std::vector<identifier_value> copied_values(soci::session& session, const std::string& query) {
  std::vector<identifier_value> out;
  copy_out(session, query, [&](copy_row f) {
    if (const auto kind = identity::kind_named(*f[0])) out.push_back({*kind, std::string(*f[1])});
  });
  return out;
}

}  // namespace

std::string record_key(std::string_view source, std::string_view scope, std::string_view source_key) {
  return fmt::format("{}/{}/{}", source, scope, source_key);
}

identity_store::identity_store(soci::session& session) : session_(session) {}

void identity_store::lock() {
  session_ << "SELECT pg_advisory_xact_lock(hashtextextended('personsync identity', 0))";
  // A resolution looks up thousands of keys at a time in tables of millions of rows. At the
  // planner's default cost of a random read (4, for spinning disks) it scanned record_persons
  // whole to find 20,000 rows: 104 ms where its index takes 31 ms. For this transaction only.
  session_ << "SET LOCAL random_page_cost = 1.1";
}

std::optional<std::string> identity_store::last_settings_hash() {
  std::string hash;
  soci::indicator ind = soci::i_null;
  session_ << "SELECT settings_hash FROM identity_runs ORDER BY resolution_id DESC LIMIT 1", soci::into(hash, ind);
  if (!session_.got_data() || ind == soci::i_null) return std::nullopt;
  return hash;
}

bool identity_store::identifiers_lost() {
  int lost = 0;
  session_ << "SELECT (NOT EXISTS (SELECT 1 FROM record_identifiers) AND EXISTS (SELECT 1 FROM record_persons))::int",
      soci::into(lost);
  return lost != 0;
}

std::int64_t identity_store::estimated_record_count() {
  double estimate = 0;
  session_ << "SELECT reltuples FROM pg_class WHERE oid = 'source_records'::regclass", soci::into(estimate);
  // A small table, or one never analyzed (-1): counting is cheap, and the estimate may be far off.
  if (estimate < 100'000) {
    long long n = 0;
    session_ << "SELECT count(*) FROM source_records", soci::into(n);
    return n;
  }
  return static_cast<std::int64_t>(estimate);
}

identity_store::dirty_queue identity_store::take_dirty() {
  dirty_queue out;
  copy_out(session_, "DELETE FROM identity_dirty RETURNING record_id, manual", [&](copy_row f) {
    const std::int64_t id = number<std::int64_t>(*f[0]);
    if (id == queue_marker_everything) {
      out.everything = true;
    } else {
      bool& manual = out.records[id];
      manual = manual || *f[1] == "t";
    }
  });
  return out;
}

void identity_store::queue(const std::vector<std::int64_t>& record_ids, bool manual) {
  if (record_ids.empty()) return;
  const std::string ids = id_array(record_ids);
  session_ << fmt::format("INSERT INTO identity_dirty (record_id, manual) SELECT unnest({}), {}", ids, manual);
}

std::vector<landed_record> identity_store::records(const std::vector<std::int64_t>& ids) {
  std::vector<landed_record> out;
  if (ids.empty()) return out;
  copy_out_binary(session_,
           std::string(record_columns) + record_text_columns + "FROM " + id_relation(ids) +
               " JOIN source_records r ON r.record_id = wanted.id LEFT JOIN record_persons rp USING (record_id)"
               " LEFT JOIN record_last_persons lp USING (record_id)",
           [&](copy_row f) { out.push_back(record_of(f)); });
  return out;
}

void identity_store::each_record(const std::function<void(landed_record&&)>& on_record) {
  copy_out_binary(session_, std::string(record_columns) + records_of_a_full_resolution,
                  [&](copy_row f) { on_record(record_of(f)); });
}

void identity_store::each_record_text(const std::function<void(std::int64_t, record_text&&)>& on_record) {
  copy_out_binary(session_, std::string("SELECT r.record_id") + record_text_columns + records_of_a_full_resolution,
                  [&](copy_row f) {
                    on_record(binary_field::int8(*f[0]), {optional_jsonb(f[1]), optional_jsonb(f[2])});
                  });
}

std::vector<std::int64_t> identity_store::ids_of_keys(const std::vector<std::string>& keys) {
  boost::json::array rows;
  for (const std::string& key : keys) {
    const auto first = key.find('/'), last = key.rfind('/');
    if (first == std::string::npos || first == last) continue;
    rows.push_back(boost::json::object{{"source", key.substr(0, first)},
                                       {"scope", key.substr(first + 1, last - first - 1)},
                                       {"source_key", key.substr(last + 1)}});
  }
  if (rows.empty()) return {};
  return copied_ids(session_, "SELECT r.record_id FROM jsonb_to_recordset(CAST(" +
                                  quote_literal(session_, boost::json::serialize(rows)) +
                                  " AS jsonb)) AS k(source text, scope text, source_key text) "
                                  "JOIN source_records r USING (source, scope, source_key)");
}

std::vector<std::int64_t> identity_store::records_of_persons(const std::vector<std::string>& person_ids) {
  if (person_ids.empty()) return {};
  return copied_ids(session_, "SELECT record_id FROM record_persons WHERE person_id = ANY(CAST(" +
                                  quote_literal(session_, uuid_array(person_ids)) + " AS uuid[]))");
}

std::vector<std::string> identity_store::live_keys_of_person(const std::string& person_id) {
  std::vector<std::string> keys;
  soci::rowset<std::string> rows = (session_.prepare <<
      "SELECT r.source || '/' || r.scope || '/' || r.source_key FROM record_persons rp "
      "JOIN source_records r USING (record_id) WHERE rp.person_id = CAST(:p AS uuid) AND r.deleted_at IS NULL "
      "ORDER BY 1", soci::use(person_id));
  for (const std::string& k : rows) keys.push_back(k);
  return keys;
}

std::vector<std::string> identity_store::persons_of_keys(const std::vector<std::string>& keys) {
  const std::vector<std::int64_t> ids = ids_of_keys(keys);
  if (ids.empty()) return {};
  std::vector<std::string> persons;
  soci::rowset<std::string> rows = (session_.prepare << "SELECT DISTINCT person_id::text FROM record_persons "
                                                        "WHERE record_id = ANY(" + id_array(ids) + ") ORDER BY 1");
  for (const std::string& p : rows) persons.push_back(p);
  return persons;
}

std::vector<std::int64_t> identity_store::records_holding(const std::vector<identifier_value>& values) {
  std::vector<std::string> texts;
  for (const identifier_value& v : values) texts.push_back(v.value);
  std::vector<std::int64_t> out;
  for (const stored_identifier& s : holders_of(texts)) {
    if (std::any_of(values.begin(), values.end(), [&](const identifier_value& v) {
          return identity::same_space(v.kind, s.value.kind) && v.value == s.value.value;
        })) {
      out.push_back(s.record_id);
    }
  }
  return out;
}

std::vector<stored_identifier> identity_store::identifiers_of(const std::vector<std::int64_t>& ids) {
  std::vector<stored_identifier> out;
  if (ids.empty()) return out;
  copy_out(session_,
           "SELECT ri.record_id, ri.kind, ri.value FROM " + id_relation(ids) +
               " JOIN record_identifiers ri ON ri.record_id = wanted.id",
           [&](copy_row f) {
             if (const auto kind = identity::kind_named(*f[1])) {
               out.push_back({number<std::int64_t>(*f[0]), {*kind, std::string(*f[2])}});
             }
           });
  return out;
}

void identity_store::update_identifiers(const std::vector<stored_identifier>& gone,
                                        const std::vector<stored_identifier>& added) {
  const auto rows_of = [](binary_chunked_copy& copy, const std::vector<stored_identifier>& rows) {
    for (const stored_identifier& s : rows) {
      copy.rows().int8(s.record_id);
      copy.rows().text(identity::name_of(s.value.kind));
      copy.rows().text(s.value.value);
      copy.end_row();
    }
    copy.finish();
  };
  if (!gone.empty()) {
    execute_script(session_, "CREATE TEMP TABLE IF NOT EXISTS identifiers_gone (record_id bigint, kind text, value text) "
                             "ON COMMIT DELETE ROWS; TRUNCATE identifiers_gone;");
    binary_chunked_copy copy(session_, "COPY identifiers_gone (record_id, kind, value) FROM STDIN");
    rows_of(copy, gone);
    session_ << "DELETE FROM record_identifiers ri USING identifiers_gone g "
                "WHERE ri.record_id = g.record_id AND ri.kind = g.kind AND ri.value = g.value";
  }
  binary_chunked_copy copy(session_, "COPY record_identifiers (record_id, kind, value) FROM STDIN");
  rows_of(copy, added);
}

std::vector<stored_identifier> identity_store::holders_of(const std::vector<std::string>& values) {
  if (values.empty()) return {};
  // Looked up in index order: twice as fast as in arrival order on a landing of a million records.
  return copied_identifiers(session_,
                            "SELECT ri.record_id, ri.kind, ri.value "
                            "FROM (SELECT DISTINCT x AS value FROM jsonb_array_elements_text(CAST(" +
                                quote_literal(session_, json_strings(values)) + " AS jsonb)) x ORDER BY 1) v "
                            "JOIN record_identifiers ri USING (value)");
}

std::vector<identifier_value> identity_store::crossing() {
  return copied_values(session_, "SELECT kind, value FROM crossing_identifiers");
}

std::vector<identifier_value> identity_store::quarantined() {
  return copied_values(session_, "SELECT kind, value FROM quarantined_values");
}

void identity_store::rebuild_identifiers(const std::vector<std::int64_t>& ids,
                                         const std::vector<identity::record_evidence>& records) {
  // Loading a million rows and indexing them once is several times faster than keeping indexes up row by row.
  execute_script(session_, "TRUNCATE record_identifiers");
  indexes_set_aside indexes(session_, "record_identifiers");
  binary_chunked_copy copy(session_, "COPY record_identifiers (record_id, kind, value) FROM STDIN");
  for (std::size_t i = 0; i < records.size(); ++i) {
    for (const identifier_value& v : records[i].identifiers) {
      copy.rows().int8(ids[i]);
      copy.rows().text(identity::name_of(v.kind));
      copy.rows().text(v.value);
      copy.end_row();
    }
  }
  copy.finish();
  indexes.rebuild();
}

namespace {

// The persons of `ids` that `condition` (SQL on persons) accepts, with when they were created.
std::vector<identity::previous_person> persons_where(soci::session& session, const std::vector<std::string>& ids,
                                                     std::string_view condition) {
  std::vector<identity::previous_person> out;
  if (ids.empty()) return out;
  copy_out(session,
           fmt::format("SELECT person_id::text, extract(epoch FROM created_at)::bigint FROM persons "
                       "WHERE {} AND person_id = ANY(CAST({} AS uuid[]))",
                       condition, quote_literal(session, uuid_array(ids))),
           [&](copy_row f) { out.push_back({std::string(*f[0]), number<std::int64_t>(*f[1])}); });
  return out;
}

}  // namespace

std::vector<identity::previous_person> identity_store::persons(const std::vector<std::string>& ids) {
  return persons_where(session_, ids, "true");
}

std::vector<identity::previous_person> identity_store::deleted_persons(const std::vector<std::string>& ids) {
  return persons_where(session_, ids, "status = 'deleted'");
}

std::unordered_set<std::string> identity_store::existing_persons(const std::vector<std::string>& ids) {
  std::unordered_set<std::string> out;
  if (ids.empty()) return out;
  copy_out(session_,
           "SELECT person_id::text FROM persons WHERE person_id = ANY(CAST(" + quote_literal(session_, uuid_array(ids)) +
               " AS uuid[]))",
           [&](copy_row f) { out.emplace(*f[0]); });
  return out;
}

std::unordered_set<std::string> identity_store::all_person_ids() {
  std::unordered_set<std::string> out;
  copy_out(session_, "SELECT person_id::text FROM persons", [&](copy_row f) { out.emplace(*f[0]); });
  return out;
}

std::vector<active_constraint> identity_store::constraints(std::optional<std::int64_t> only) {
  std::vector<active_constraint> out;
  const long long wanted = only.value_or(-1);
  soci::rowset<soci::row> rows = (session_.prepare <<
      "SELECT constraint_id, kind, coalesce(record_a, ''), coalesce(record_b, ''), value_kind, value, cause, actor, "
      "  reason, " + iso_utc("created_at") + " FROM identity_constraints "
      "WHERE removed_at IS NULL AND (:w < 0 OR constraint_id = :w2) ORDER BY constraint_id",
      soci::use(wanted), soci::use(wanted));
  for (const soci::row& row : rows) {
    active_constraint c;
    c.id = row.get<long long>(0);
    const std::string kind = row.get<std::string>(1);
    const std::optional<constraint_kind> known = constraint_kind_named(kind);
    // The table's CHECK allows only these: another text is a schema this version does not know.
    if (!known) throw std::runtime_error("identity_constraints holds a constraint of unknown kind '" + kind + "'");
    c.kind = *known;
    c.record_a = row.get<std::string>(2);
    c.record_b = row.get<std::string>(3);
    if (row.get_indicator(4) == soci::i_ok) c.value_kind = row.get<std::string>(4);
    if (row.get_indicator(5) == soci::i_ok) c.value = row.get<std::string>(5);
    c.cause = row.get<std::string>(6);
    c.actor = row.get<std::string>(7);
    c.reason = row.get<std::string>(8);
    c.created_at = row.get<std::string>(9);
    out.push_back(std::move(c));
  }
  return out;
}

std::int64_t identity_store::add_constraint(const active_constraint& c) {
  long long id = 0;
  const bool pair = c.kind != constraint_kind::block_value;
  const std::string kind(name_of(c.kind));
  std::string a = c.record_a, b = c.record_b, value_kind = c.value_kind.value_or(""), value = c.value.value_or("");
  soci::indicator pair_ind = pair ? soci::i_ok : soci::i_null;
  soci::indicator kind_ind = !pair && c.value_kind ? soci::i_ok : soci::i_null;
  soci::indicator value_ind = pair ? soci::i_null : soci::i_ok;
  session_ << "INSERT INTO identity_constraints (kind, record_a, record_b, value_kind, value, actor, reason, cause) "
              "VALUES (:k, :a, :b, :vk, :v, :actor, :reason, :cause) RETURNING constraint_id",
      soci::use(kind), soci::use(a, pair_ind), soci::use(b, pair_ind), soci::use(value_kind, kind_ind),
      soci::use(value, value_ind), soci::use(c.actor), soci::use(c.reason), soci::use(c.cause), soci::into(id);
  return id;
}

std::optional<active_constraint> identity_store::remove_constraint(std::int64_t id, const std::string& actor,
                                                                   const std::string& reason) {
  std::vector<active_constraint> found = constraints(id);
  if (found.empty()) return std::nullopt;
  const long long key = id;
  session_ << "UPDATE identity_constraints SET removed_at = now(), removed_by = :a, removed_reason = :r "
              "WHERE constraint_id = :id",
      soci::use(actor), soci::use(reason), soci::use(key);
  return std::move(found.front());
}

std::optional<identity_store::person_status> identity_store::person(const std::string& id) {
  std::string pid, status, successor;
  soci::indicator successor_ind = soci::i_null;
  session_ << "SELECT person_id::text, status, successor::text FROM persons WHERE person_id = CAST(:p AS uuid)",
      soci::use(id), soci::into(pid), soci::into(status), soci::into(successor, successor_ind);
  if (!session_.got_data()) return std::nullopt;
  person_status out{pid, status, std::nullopt};
  if (successor_ind == soci::i_ok) out.successor = successor;
  return out;
}

identity_overview identity_store::overview(std::size_t list_limit) {
  identity_overview o;
  session_ << "SELECT count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'merged'), "
              "count(*) FILTER (WHERE status = 'deleted') FROM persons",
      soci::into(o.active_persons), soci::into(o.merged_persons), soci::into(o.deleted_persons);
  session_ << "SELECT count(DISTINCT record_id) FROM identity_dirty", soci::into(o.queued_records);
  session_ << "SELECT count(*) FILTER (WHERE kind = 'must_link'), count(*) FILTER (WHERE kind = 'cannot_link'), "
              "count(*) FILTER (WHERE kind = 'block_value') FROM identity_constraints WHERE removed_at IS NULL",
      soci::into(o.must_links), soci::into(o.cannot_links), soci::into(o.blocked_values);
  session_ << "SELECT count(*) FROM quarantined_values", soci::into(o.quarantined_total);
  const long long limit = static_cast<long long>(list_limit);
  soci::rowset<soci::row> quarantined = (session_.prepare <<
      "SELECT kind, value, records FROM quarantined_values ORDER BY records DESC, kind, value LIMIT :l", soci::use(limit));
  for (const soci::row& r : quarantined) {
    o.quarantined_values.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<long long>(2)});
  }
  soci::rowset<soci::row> frozen = (session_.prepare <<
      "SELECT first_record, records FROM frozen_components ORDER BY records DESC, first_record");
  for (const soci::row& r : frozen) o.frozen_components.push_back({r.get<std::string>(0), r.get<int>(1)});
  soci::rowset<soci::row> last = (session_.prepare <<
      "SELECT resolution_id, mode, dirty_records, area_records, persons_touched, events, rejected_links, quarantined, "
      "  frozen, " + iso_utc("finished_at") +
      " FROM identity_runs WHERE finished_at IS NOT NULL ORDER BY resolution_id DESC LIMIT 1");
  for (const soci::row& r : last) {
    resolution_summary s;
    s.resolution_id = r.get<long long>(0);
    s.mode = r.get<std::string>(1);
    s.dirty = static_cast<std::size_t>(r.get<long long>(2));
    s.area = static_cast<std::size_t>(r.get<long long>(3));
    s.persons_touched = static_cast<std::size_t>(r.get<long long>(4));
    s.events = static_cast<std::size_t>(r.get<long long>(5));
    s.rejected = static_cast<std::size_t>(r.get<long long>(6));
    s.quarantined = static_cast<std::size_t>(r.get<long long>(7));
    s.frozen = static_cast<std::size_t>(r.get<long long>(8));
    o.last_resolution = s;
    o.last_resolution_at = r.get<std::string>(9);
  }
  return o;
}

std::vector<std::tuple<std::string, std::string, std::int64_t>> identity_store::events_by_kind_and_cause(
    std::int64_t resolution_id) {
  std::vector<std::tuple<std::string, std::string, std::int64_t>> out;
  const long long id = resolution_id;
  soci::rowset<soci::row> rows = (session_.prepare <<
      "SELECT kind, cause, count(*) FROM identity_event_log WHERE resolution_id = :r GROUP BY kind, cause ORDER BY 1, 2",
      soci::use(id));
  for (const soci::row& r : rows) out.emplace_back(r.get<std::string>(0), r.get<std::string>(1), r.get<long long>(2));
  return out;
}

}  // namespace personsync::store
