// Benchmark of `personsync sync` into an empty database against PostgreSQL's
// own ingest speed, measured in one run on one private cluster.
//
//   sync_bench [--quick]
//
// 1,000,000 records (500k Whop + 500k PostHog; 100k + 100k with --quick) from
// the simulators over loopback, no injected latency:
//   - the first sync's wall time, against the time COPY needs to load the same
//     landing rows into a table with the same columns and indexes (target <= 2x);
//   - the peak RSS of personsync (target <= 256 MiB);
//   - a second sync with no upstream change: rows updated (target 0) and its
//     time against the first (target <= 0.5x).
// Syncs run with --no-resolve: this measures landing; identity_bench measures resolution.
// The figures are printed and written to sync_bench.results.txt (bench_results.hpp).

#include <cstring>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "tests/bench/bench_deployment.hpp"
#include "tests/bench/bench_results.hpp"

using namespace personsync;
using bench::clock_type;
using bench::seconds_since;

int main(int argc, char** argv) {
  const auto [quick, per_provider] = bench::size_from(argc, argv);

  bench::bench_deployment deployment(per_provider);
  testing::private_cluster& cluster = deployment.cluster();
  // Landing alone: identity resolution has its own benchmark (identity_bench).
  const auto personsync = [&](std::vector<std::string> args) {
    if (args.front() == "sync") args.push_back("--no-resolve");
    return deployment.personsync(std::move(args));
  };
  if (personsync({"migrate"}).exit_code != 0) return 1;
  // Warm the simulator's serialisation caches so that the sync is measured, not the simulator's first pass.
  if (personsync({"sync"}).exit_code != 0) return 1;
  const auto db_session = deployment.session();
  soci::session& db = *db_session;
  db << "TRUNCATE personsync.source_records, personsync.sync_state, personsync.rejected_items, personsync.identity_dirty";

  auto start = clock_type::now();
  const testing::process_result first = personsync({"sync"});
  const double first_s = seconds_since(start);
  if (first.exit_code != 0) {
    std::cout << "the first sync failed: " << first.out << first.err;
    return 1;
  }
  long long rows = 0;
  db << "SELECT count(*) FROM personsync.source_records", soci::into(rows);

  db << "SELECT pg_stat_clear_snapshot()";
  long long updated_before = 0;
  db << "SELECT n_tup_upd FROM pg_stat_user_tables WHERE schemaname = 'personsync' AND relname = 'source_records'",
      soci::into(updated_before);
  start = clock_type::now();
  const testing::process_result second = personsync({"sync", "--full"});
  const double second_s = seconds_since(start);
  db << "SELECT pg_stat_clear_snapshot()";
  long long updated_after = 0;
  db << "SELECT n_tup_upd FROM pg_stat_user_tables WHERE schemaname = 'personsync' AND relname = 'source_records'",
      soci::into(updated_after);

  // PostgreSQL's own speed: the same rows, COPY'd into a table like the landing one, same indexes.
  const std::string dump = cluster.value("PGTEST_DIR") + "/landing.copy";
  db << "COPY personsync.source_records TO '" + dump + "'";
  db << "CREATE TABLE personsync.copy_baseline (LIKE personsync.source_records INCLUDING ALL)";
  start = clock_type::now();
  db << "COPY personsync.copy_baseline FROM '" + dump + "'";
  const double copy_s = seconds_since(start);

  const double first_ratio = first_s / copy_s;
  const double second_ratio = second_s / first_s;
  const double rss_mib = static_cast<double>(std::max(first.max_rss_kib, second.max_rss_kib)) / 1024.0;
  std::string figures;
  figures += fmt::format("sync_bench{} — {} Whop + {} PostHog records, one private PostgreSQL 15\n\n",
                           quick ? " --quick" : "", per_provider, per_provider);
  figures += fmt::format("{:<48} {:>12}\n", "measure", "value");
  figures += fmt::format("{:<48} {:>12}\n", "rows landed", rows);
  figures += fmt::format("{:<48} {:>10.2f} s  ({:.0f} records/s)\n", "first sync (empty database)", first_s, rows / first_s);
  figures += fmt::format("{:<48} {:>10.2f} s  ({:.0f} rows/s)\n", "COPY of the same rows, same indexes", copy_s, rows / copy_s);
  figures += fmt::format("{:<48} {:>11.2f}x  (target <= 2x)\n", "ratio first sync / COPY", first_ratio);
  figures += fmt::format("{:<48} {:>9.0f} MiB  (target <= 256 MiB)\n", "peak RSS of personsync", rss_mib);
  figures += fmt::format("{:<48} {:>10.2f} s\n", "second sync, no upstream change", second_s);
  figures += fmt::format("{:<48} {:>11.2f}x  (target <= 0.5x)\n", "ratio second / first", second_ratio);
  figures += fmt::format("{:<48} {:>12}  (target 0)\n", "rows updated by the second sync",
                           updated_after - updated_before);
  const bool written = bench::publish_results("sync_bench", figures);
  return written && second.exit_code == 0 && rows == static_cast<long long>(2 * per_provider) ? 0 : 1;
}
