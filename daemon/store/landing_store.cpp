#include "daemon/store/landing_store.hpp"

#include <unordered_map>
#include <unordered_set>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/iso_time.hpp"
#include "common/sha256.hpp"
#include "daemon/store/copy_in.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/identity_queue.hpp"

namespace personsync::store {
namespace {

// The columns a batch writes, in the order of its COPY rows: COPY'd straight
// into source_records while the scope was empty at the run's start, else into
// the staging table and upserted from there.
constexpr const char* landed_columns =
    "source, scope, source_key, payload, content_hash, identifiers, name, email, phone,"
    " provider_first_seen_at, provider_last_seen_at, provider_created_at, purchase_count, ltv, aov,"
    " has_failed_payment, attribution, properties, provider_id, changed_by_run, first_seen_at, last_synced_at";

// The full rows of only the records that changed: a steady-state sync sends
// keys and reads hashes, and parses no payload at all.
constexpr const char* staging_ddl =
    "CREATE TEMP TABLE IF NOT EXISTS landing_staging ("
    "  source text, scope text, source_key text, payload jsonb, content_hash bytea, identifiers jsonb, name text,"
    "  email text, phone text, provider_first_seen_at timestamptz, provider_last_seen_at timestamptz,"
    "  provider_created_at timestamptz, purchase_count bigint, ltv double precision, aov double precision,"
    "  has_failed_payment boolean, attribution jsonb, properties jsonb, provider_id bigint, changed_by_run bigint,"
    "  first_seen_at timestamptz, last_synced_at timestamptz)"
    "  ON COMMIT DELETE ROWS";

// The landed hash of each key of a batch. The keys arrive as one JSON array so
// that the plan is always primary-key probes, whatever the table's size.
constexpr const char* landed_hashes_sql = R"SQL(
SELECT source_key, encode(content_hash, 'hex'), CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END
FROM source_records
WHERE source = :source AND scope = :scope
  AND source_key IN (SELECT jsonb_array_elements_text(CAST(:keys AS jsonb)))
)SQL";

constexpr const char* upsert_sql = R"SQL(
WITH upserted AS (
  INSERT INTO source_records AS t ({columns})
  SELECT DISTINCT ON (s.source_key) {columns}
  FROM landing_staging s
  ORDER BY s.source_key, s.last_synced_at DESC
  ON CONFLICT (source, scope, source_key) DO UPDATE SET
      payload = EXCLUDED.payload, content_hash = EXCLUDED.content_hash, identifiers = EXCLUDED.identifiers,
      name = EXCLUDED.name, email = EXCLUDED.email, phone = EXCLUDED.phone,
      provider_first_seen_at = EXCLUDED.provider_first_seen_at, provider_last_seen_at = EXCLUDED.provider_last_seen_at,
      provider_created_at = EXCLUDED.provider_created_at, purchase_count = EXCLUDED.purchase_count,
      ltv = EXCLUDED.ltv, aov = EXCLUDED.aov, has_failed_payment = EXCLUDED.has_failed_payment,
      attribution = EXCLUDED.attribution, properties = EXCLUDED.properties, provider_id = EXCLUDED.provider_id,
      changed_by_run = EXCLUDED.changed_by_run, last_synced_at = EXCLUDED.last_synced_at,
      deleted_at = NULL, merged_into = NULL
  WHERE t.content_hash IS DISTINCT FROM EXCLUDED.content_hash OR t.deleted_at IS NOT NULL
  RETURNING record_id, (xmax = 0) AS inserted),
-- Every written record is for identity resolution to look at.
queued AS (INSERT INTO identity_dirty (record_id) SELECT record_id FROM upserted)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
)SQL";

// Records COPY'd straight in are not queued one by one: the batch asks for a full resolution.
// Sent with the savepoint's release: one round trip.
const std::string queue_everything_sql = fmt::format(
    "RELEASE SAVEPOINT insert_new; INSERT INTO identity_dirty (record_id) VALUES ({})", queue_marker_everything);

// Unix seconds as a timestamptz field.
void epoch_field(copy_rows& rows, const boost::json::object& attributes, std::string_view key) {
  const auto* v = attributes.if_contains(key);
  if (!v || !v->is_int64()) return rows.null_field();
  rows.field(iso_seconds(std::chrono::system_clock::time_point(std::chrono::seconds(v->get_int64()))));
}

// A typed attribute for a COPY field: text as is, numbers in their shortest exact form, null as \N.
void attribute_field(copy_rows& rows, const boost::json::object& attributes, std::string_view key) {
  const auto* v = attributes.if_contains(key);
  if (!v || v->is_null()) return rows.null_field();
  switch (v->kind()) {
    case boost::json::kind::string: return rows.field(std::string_view(v->get_string()));
    case boost::json::kind::int64: return rows.field(std::to_string(v->get_int64()));
    case boost::json::kind::uint64: return rows.field(std::to_string(v->get_uint64()));
    case boost::json::kind::double_: return rows.field(fmt::format("{}", v->get_double()));
    case boost::json::kind::bool_: return rows.field(v->get_bool() ? "t" : "f");
    default: return rows.null_field();
  }
}

std::string identifiers_json(const std::vector<connectors::identifier>& ids) {
  boost::json::array out;
  for (const auto& id : ids) out.push_back(boost::json::object{{"kind", id.kind}, {"value", id.value}});
  return boost::json::serialize(out);
}

// One record as a row of landed_columns.
void landed_row(copy_rows& rows, const connectors::source_record& r, const std::string& hash,
                const std::string& run_id) {
  rows.field(r.source);
  rows.field(r.scope);
  rows.field(r.source_key);
  rows.field(r.payload);
  rows.field("\\x" + hash);
  rows.field(identifiers_json(r.identifiers));
  const boost::json::object& a = r.attributes;
  for (const char* key : {"name", "email", "phone"}) attribute_field(rows, a, key);
  epoch_field(rows, a, "first_seen_at");
  epoch_field(rows, a, "last_seen_at");
  for (const char* key : {"created_at", "purchase_count", "ltv", "aov", "has_failed_payment"}) {
    attribute_field(rows, a, key);
  }
  // Whop's attribution lists, tagged by their names (written, not copied into a new object);
  // PostHog's properties as the person has them.
  if (a.contains("campaigns")) {
    rows.field(fmt::format(R"({{"campaigns":{},"ad_sets":{},"ads":{}}})", boost::json::serialize(a.at("campaigns")),
                           boost::json::serialize(a.at("ad_sets")), boost::json::serialize(a.at("ads"))));
  } else {
    rows.null_field();
  }
  if (const auto* properties = a.if_contains("properties")) {
    rows.field(boost::json::serialize(*properties));
  } else {
    rows.null_field();
  }
  attribute_field(rows, a, "id");
  rows.field(run_id);
  const std::string observed = iso_microseconds(r.observed_at);
  rows.field(observed);
  rows.field(observed);
  rows.end_row();
}

}  // namespace

std::string content_hash(const std::string& payload) { return sha256_hex(payload); }

landing_store::landing_store(soci::session& session) : session_(session) { execute_script(session_, staging_ddl); }

std::int64_t landing_store::begin_run(const run_identity& run) {
  // We hold this source's lock: a run still 'running' belongs to a process that is gone.
  session_ << "UPDATE sync_runs SET status = 'interrupted', finished_at = now(),"
              " error = 'interrupted: the process ended before the run finished'"
              " WHERE source_name = :s AND status = 'running'",
      soci::use(run.source_name);
  int any_landed = 0;
  session_ << "SELECT CASE WHEN EXISTS (SELECT 1 FROM source_records WHERE source = :p AND scope = :s) THEN 1 ELSE 0 END",
      soci::use(run.provider), soci::use(run.scope), soci::into(any_landed);
  scope_was_empty_ = any_landed == 0;
  preloaded_.reset();
  const std::string mode(name_of(run.mode));
  if (!scope_was_empty_ && run.mode == run_mode::full) preloaded_ = landed_hashes::read(session_, run.provider, run.scope);
  long long run_id = 0;
  // SOCI binds indicators by non-const reference.
  soci::indicator from_ind = run.window_from ? soci::i_ok : soci::i_null;
  soci::indicator to_ind = run.window_to ? soci::i_ok : soci::i_null;
  long long from = run.window_from.value_or(0), to = run.window_to.value_or(0);
  session_ << "INSERT INTO sync_runs (source_name, provider, scope, mode, window_from, window_to)"
              " VALUES (:n, :p, :s, :m, to_timestamp(:f), to_timestamp(:t)) RETURNING run_id",
      soci::use(run.source_name), soci::use(run.provider), soci::use(run.scope), soci::use(mode),
      soci::use(from, from_ind), soci::use(to, to_ind), soci::into(run_id);
  return run_id;
}

batch_counts landing_store::land(std::int64_t run_id, const run_identity& run,
                                 const std::vector<connectors::source_record>& records,
                                 const std::vector<connectors::rejected_item>& rejected,
                                 const std::optional<std::string>& cursor) {
  batch_counts counts;
  counts.fetched = records.size();
  counts.rejected = rejected.size();
  soci::transaction tx(session_);
  // No wait for the disk at each batch: a batch and its checkpoint commit together, so a
  // server crash that loses the last few only makes the next run fetch them again. The
  // run's end (finish_run) commits synchronously, which makes every batch before it durable.
  execute_script(session_, "SET LOCAL synchronous_commit = off");

  if (!records.empty()) {
    std::vector<std::string> hashes;
    hashes.reserve(records.size());
    for (const auto& r : records) hashes.push_back(content_hash(r.payload));
    if (scope_was_empty_ && insert_new(run_id, records, hashes)) {
      counts.inserted = records.size();
    } else {
      const auto [inserted, updated] = upsert_changed(run_id, records, hashes);
      counts.inserted = inserted;
      counts.updated = updated;
    }
    counts.unchanged = counts.fetched - counts.inserted - counts.updated;
  }

  if (!rejected.empty()) {
    copy_rows rows;
    for (const auto& r : rejected) {
      rows.field(std::to_string(run_id));
      rows.field(r.source);
      rows.field(r.scope);
      rows.field(r.payload);
      rows.field(r.reason);
      rows.field(iso_microseconds(r.observed_at));
      rows.end_row();
    }
    execute_script(session_,
                   "CREATE TEMP TABLE IF NOT EXISTS rejected_stage (run_id bigint, source text, scope text, payload text,"
                   " reason text, observed_at timestamptz) ON COMMIT DELETE ROWS");
    copy_in(session_, "COPY rejected_stage (run_id, source, scope, payload, reason, observed_at) FROM STDIN", rows);
    // Met again: the row it already has says so, rather than a copy per sweep.
    execute_script(session_,
                   "INSERT INTO rejected_items (run_id, source, scope, payload, reason, observed_at, last_run_id,"
                   "  last_observed_at) "
                   "SELECT DISTINCT ON (source, scope, md5(payload), reason) run_id, source, scope, payload, reason,"
                   "  observed_at, run_id, observed_at FROM rejected_stage "
                   "ON CONFLICT (source, scope, md5(payload), reason) DO UPDATE SET last_run_id = EXCLUDED.run_id,"
                   "  last_observed_at = EXCLUDED.observed_at, times_seen = rejected_items.times_seen + 1");
  }

  const long long id = run_id, fetched = static_cast<long long>(counts.fetched),
                  ins = static_cast<long long>(counts.inserted), upd = static_cast<long long>(counts.updated),
                  unch = static_cast<long long>(counts.unchanged), rej = static_cast<long long>(counts.rejected);
  session_ << "UPDATE sync_runs SET fetched = fetched + :f, inserted = inserted + :i, updated = updated + :u,"
              " unchanged = unchanged + :c, rejected = rejected + :r WHERE run_id = :id",
      soci::use(fetched), soci::use(ins), soci::use(upd), soci::use(unch), soci::use(rej), soci::use(id);
  if (cursor) save_state(run, cursor, false);
  tx.commit();
  return counts;
}

bool landing_store::insert_new(std::int64_t run_id, const std::vector<connectors::source_record>& records,
                               const std::vector<std::string>& hashes) {
  std::unordered_set<std::string_view> keys;
  for (const auto& r : records) {
    if (!keys.insert(r.source_key).second) return false;  // a key twice in one batch: the upsert picks the newest
  }
  copy_rows rows;
  const std::string run = std::to_string(run_id);
  for (std::size_t i = 0; i < records.size(); ++i) landed_row(rows, records[i], hashes[i], run);
  execute_script(session_, "SAVEPOINT insert_new");
  try {
    copy_in(session_, std::string("COPY source_records (") + landed_columns + ") FROM STDIN", rows);
  } catch (const server_error& e) {
    // Another source on the same scope landed these keys first (a unique violation), or its
    // COPY of them deadlocked with ours: upsert from now on. Anything else fails the batch.
    if (e.sqlstate() != "23505" && e.sqlstate() != "40P01") throw;
    execute_script(session_, "ROLLBACK TO SAVEPOINT insert_new");
    spdlog::warn("{}: inserting a batch into the empty scope failed ({}); landing by upsert from now on",
                 records.front().scope, describe(e));
    scope_was_empty_ = false;
    return false;
  }
  execute_script(session_, queue_everything_sql);
  return true;
}

std::pair<std::uint64_t, std::uint64_t> landing_store::upsert_changed(
    std::int64_t run_id, const std::vector<connectors::source_record>& records, const std::vector<std::string>& hashes) {
  const std::string& source = records.front().source;  // one writer lands one source
  const std::string& scope = records.front().scope;
  std::unordered_map<std::string, std::string> landed;  // live records: key -> hash
  if (!scope_was_empty_ && !preloaded_) {
    // A page of keys against the primary key: probes, never a scan, whatever the statistics say.
    execute_script(session_, "SET LOCAL enable_seqscan = off");
    boost::json::array key_list;
    key_list.reserve(records.size());
    for (const auto& r : records) key_list.push_back(boost::json::string(r.source_key));
    const std::string keys_json = boost::json::serialize(key_list);
    soci::rowset<soci::row> landed_rows = (session_.prepare << landed_hashes_sql, soci::use(source, "source"),
                                           soci::use(scope, "scope"), soci::use(keys_json, "keys"));
    for (const soci::row& row : landed_rows) {
      if (row.get<int>(2) == 0) landed.emplace(row.get<std::string>(0), row.get<std::string>(1));
    }
  }
  copy_rows rows;
  const std::string run = std::to_string(run_id);
  const auto unchanged = [&](std::size_t i) {
    if (preloaded_) return preloaded_->unchanged(records[i].source_key, hashes[i]);
    const auto it = landed.find(records[i].source_key);
    return it != landed.end() && it->second == hashes[i];
  };
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!unchanged(i)) landed_row(rows, records[i], hashes[i], run);
  }
  if (rows.rows() == 0) return {0, 0};
  copy_in(session_, std::string("COPY landing_staging (") + landed_columns + ") FROM STDIN", rows);
  static const std::string upsert = fmt::format(fmt::runtime(upsert_sql), fmt::arg("columns", landed_columns));
  long long inserted = 0, updated = 0;
  session_ << upsert, soci::into(inserted), soci::into(updated);
  return {static_cast<std::uint64_t>(inserted), static_cast<std::uint64_t>(updated)};
}

void landing_store::finish_run(std::int64_t run_id, const run_outcome& outcome) {
  const long long run = run_id, gone = static_cast<long long>(outcome.deleted);
  soci::indicator error_ind = outcome.error ? soci::i_ok : soci::i_null;
  soci::indicator withheld_ind = outcome.deletes_withheld ? soci::i_ok : soci::i_null;
  soci::indicator skew_ind = outcome.provider_clock_skew_seconds ? soci::i_ok : soci::i_null;
  std::string error_text = outcome.error.value_or(""), withheld = outcome.deletes_withheld.value_or("");
  double skew = outcome.provider_clock_skew_seconds.value_or(0);
  long long inserted = 0;
  const std::string status(name_of(outcome.status));
  session_ << "UPDATE sync_runs SET status = :s, finished_at = now(), deleted = :d, error = :e,"
              " deletes_withheld = :w, provider_clock_skew_seconds = :k, anomalies = CAST(:a AS jsonb)"
              " WHERE run_id = :id AND status = 'running' RETURNING inserted",
      soci::use(status), soci::use(gone), soci::use(error_text, error_ind), soci::use(withheld, withheld_ind),
      soci::use(skew, skew_ind), soci::use(outcome.anomalies), soci::use(run), soci::into(inserted);
  // After a bulk load the planner's idea of the table is stale; the resolver and consumers plan against it.
  if (inserted >= 10'000) execute_script(session_, "ANALYZE source_records");
}

source_state landing_store::state(const std::string& source_name) {
  source_state out;
  std::string cursor, swept;
  soci::indicator cursor_ind = soci::i_null, swept_ind = soci::i_null;
  session_ << "SELECT cursor::text, " + iso_utc("last_full_sweep_at") + " FROM sync_state WHERE source_name = :n",
      soci::use(source_name), soci::into(cursor, cursor_ind), soci::into(swept, swept_ind);
  if (session_.got_data()) {
    if (cursor_ind == soci::i_ok) out.cursor = cursor;
    if (swept_ind == soci::i_ok) out.last_full_sweep_at = swept;
  }
  return out;
}

void landing_store::save_state(const run_identity& run, const std::optional<std::string>& cursor,
                               bool completed_full_sweep) {
  soci::indicator cursor_ind = cursor ? soci::i_ok : soci::i_null;
  std::string cursor_text = cursor.value_or("");
  const int full = completed_full_sweep ? 1 : 0;
  session_ << "INSERT INTO sync_state (source_name, provider, scope, cursor, last_full_sweep_at, updated_at)"
              " VALUES (:n, :p, :s, CAST(:c AS jsonb), CASE WHEN :f = 1 THEN now() END, now())"
              " ON CONFLICT (source_name) DO UPDATE SET provider = EXCLUDED.provider, scope = EXCLUDED.scope,"
              "  cursor = EXCLUDED.cursor, updated_at = now(),"
              "  last_full_sweep_at = COALESCE(EXCLUDED.last_full_sweep_at, sync_state.last_full_sweep_at)",
      soci::use(run.source_name), soci::use(run.provider), soci::use(run.scope), soci::use(cursor_text, cursor_ind),
      soci::use(full);
}

std::vector<unseen_record> landing_store::unseen(const std::string& source, const std::string& scope,
                                                 const std::unordered_set<std::string>& seen) {
  soci::transaction tx(session_);
  execute_script(session_, "CREATE TEMP TABLE IF NOT EXISTS seen_keys (source_key text PRIMARY KEY) ON COMMIT DROP");
  copy_rows rows;
  for (const auto& key : seen) {
    rows.field(key);
    rows.end_row();
  }
  copy_in(session_, "COPY seen_keys (source_key) FROM STDIN", rows);
  session_ << "UPDATE source_records r SET absent_since_run = NULL "
              "WHERE r.source = :s AND r.scope = :c AND r.absent_since_run IS NOT NULL "
              "  AND EXISTS (SELECT 1 FROM seen_keys k WHERE k.source_key = r.source_key)",
      soci::use(source), soci::use(scope);
  std::vector<unseen_record> out;
  soci::rowset<soci::row> result = (session_.prepare <<
      "SELECT r.source_key, r.provider_id, "
      "  COALESCE((SELECT string_agg(i->>'value', E'\\x1f') FROM jsonb_array_elements(r.identifiers) i"
      "            WHERE i->>'kind' = 'posthog_distinct_id'), ''),"
      "  extract(epoch FROM r.provider_last_seen_at)::bigint, r.absent_since_run "
      "FROM source_records r "
      "WHERE r.source = :s AND r.scope = :c AND r.deleted_at IS NULL "
      "  AND NOT EXISTS (SELECT 1 FROM seen_keys k WHERE k.source_key = r.source_key)",
      soci::use(source), soci::use(scope));
  for (const soci::row& row : result) {
    unseen_record u;
    u.source_key = row.get<std::string>(0);
    if (row.get_indicator(1) == soci::i_ok) u.provider_id = row.get<long long>(1);
    const std::string ids = row.get<std::string>(2);
    for (std::size_t start = 0; !ids.empty() && start <= ids.size();) {
      const std::size_t sep = ids.find('\x1f', start);
      u.distinct_ids.push_back(ids.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
      if (sep == std::string::npos) break;
      start = sep + 1;
    }
    if (row.get_indicator(3) == soci::i_ok) u.last_seen_at = row.get<long long>(3);
    if (row.get_indicator(4) == soci::i_ok) u.absent_since_run = row.get<long long>(4);
    out.push_back(std::move(u));
  }
  tx.commit();
  return out;
}

std::vector<std::string> landing_store::holders_of_distinct_ids(const std::string& source, const std::string& scope,
                                                               const std::vector<std::string>& distinct_ids,
                                                               const std::vector<std::string>& except) {
  const std::string ids_json = boost::json::serialize(boost::json::value_from(distinct_ids));
  const std::string except_json = boost::json::serialize(boost::json::value_from(except));
  std::vector<std::string> out;
  soci::rowset<std::string> rows = (session_.prepare <<
      "SELECT DISTINCT r.source_key FROM source_records r, jsonb_array_elements(r.identifiers) i "
      "WHERE r.source = :s AND r.scope = :c AND r.deleted_at IS NULL AND i->>'kind' = 'posthog_distinct_id' "
      "  AND i->>'value' IN (SELECT jsonb_array_elements_text(CAST(:d AS jsonb))) "
      "  AND r.source_key NOT IN (SELECT jsonb_array_elements_text(CAST(:e AS jsonb)))",
      soci::use(source), soci::use(scope), soci::use(ids_json), soci::use(except_json));
  for (const std::string& key : rows) out.push_back(key);
  return out;
}

void landing_store::record_absences(std::int64_t run_id, const std::string& source, const std::string& scope,
                                     const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  const std::string keys_json = boost::json::serialize(boost::json::value_from(keys));
  const long long run = run_id;
  session_ << "UPDATE source_records t SET absent_since_run = :r "
              "FROM jsonb_array_elements_text(CAST(:k AS jsonb)) AS k(key) "
              "WHERE t.source = :s AND t.scope = :c AND t.source_key = k.key AND t.deleted_at IS NULL "
              "  AND t.absent_since_run IS NULL",
      soci::use(run), soci::use(keys_json), soci::use(source), soci::use(scope);
}

std::uint64_t landing_store::mark_gone(std::int64_t run_id, const std::string& source, const std::string& scope,
                                       const std::vector<gone_record>& gone) {
  if (gone.empty()) return 0;
  boost::json::array rows;
  for (const gone_record& g : gone) {
    rows.push_back(boost::json::object{
        {"key", g.source_key}, {"merged_into", g.merged_into ? boost::json::value(*g.merged_into) : nullptr}});
  }
  const std::string gone_json = boost::json::serialize(rows);
  const long long run = run_id;
  long long changed = 0;
  session_ <<
      "WITH gone AS ("
      "  UPDATE source_records t SET deleted_at = now(), merged_into = g.merged_into, changed_by_run = :r,"
      "    last_synced_at = now(), absent_since_run = NULL "
      "  FROM jsonb_to_recordset(CAST(:g AS jsonb)) AS g(key text, merged_into text) "
      "  WHERE t.source = :s AND t.scope = :c AND t.deleted_at IS NULL AND t.source_key = g.key "
      "  RETURNING t.record_id), "
      "queued AS (INSERT INTO identity_dirty (record_id) SELECT record_id FROM gone) "
      "SELECT count(*) FROM gone",
      soci::use(run), soci::use(gone_json), soci::use(source), soci::use(scope), soci::into(changed);
  return static_cast<std::uint64_t>(changed);
}

}  // namespace personsync::store
