// Benchmark of identity resolution (`personsync resolve`), measured in one run
// on one private cluster.
//
//   identity_bench [--quick]
//
// 1,000,000 records (500k Whop + 500k PostHog; 100k + 100k with --quick) landed
// from the simulators with `sync --no-resolve`, then:
//   - resolution from scratch: wall time and peak RSS, and its time against the
//     landing's (target: resolution adds <= 50% to the full sync);
//   - 1% of the records changed upstream (new emails on Whop records), landed
//     again, then an incremental resolution: its time against the full one
//     (target <= 5%), and how many records it looked at.
// Without --quick each is measured three times, in turns (landing and resolving
// from an empty database again, changing another 1%), and compared by medians.
// The figures are printed and written to identity_bench.results.txt (bench_results.hpp).

#include <algorithm>
#include <cstring>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "tests/bench/bench_deployment.hpp"
#include "tests/bench/bench_results.hpp"

using namespace personsync;
using bench::clock_type;
using bench::scalar;
using bench::seconds_since;

namespace {

// The debug log's "resolution: <step> took <n> s" lines.
std::string steps(const std::string& which, const std::string& log_text) {
  std::string out = "\nsteps of the " + which + ":\n";
  std::istringstream log(log_text);
  for (std::string line; std::getline(log, line);) {
    if (const auto at = line.find("resolution: "); at != std::string::npos && line.find(" took ") != std::string::npos) {
      out += "  " + line.substr(at + 12) + "\n";
    }
  }
  return out;
}

// The median of a few measures (the middle one, or the lower middle).
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];
}

std::string listed(const std::vector<double>& v, const char* unit) {
  std::string out;
  for (double x : v) out += fmt::format("{}{:.2f}{}", out.empty() ? "" : ", ", x, unit);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const auto [quick, per_provider] = bench::size_from(argc, argv);
  // The machine is shared and its speed drifts by a third within minutes: each measure is taken a few
  // times, in turns, and compared by its median.
  const int rounds = quick ? 1 : 3;

  bench::bench_deployment deployment(per_provider);
  const auto db_session = deployment.session();
  soci::session& db = *db_session;
  db << "SET client_min_messages = warning";  // DROP SCHEMA … CASCADE names every object it drops

  // From an empty database to published persons, `rounds` times.
  std::vector<double> land_s, full_s, full_rss_mib;
  testing::process_result full;
  for (int round = 0; round < rounds; ++round) {
    if (round > 0) db << "DROP SCHEMA personsync CASCADE";
    deployment.set_log_level("warn");
    if (deployment.personsync({"migrate"}).exit_code != 0) return 1;
    auto start = clock_type::now();
    const testing::process_result landed = deployment.personsync({"sync", "--no-resolve"});
    land_s.push_back(seconds_since(start));
    if (landed.exit_code != 0) {
      std::cout << "the sync failed: " << landed.out << landed.err;
      return 1;
    }
    deployment.set_log_level("debug");  // each step's time, printed below
    start = clock_type::now();
    full = deployment.personsync({"resolve"});
    full_s.push_back(seconds_since(start));
    full_rss_mib.push_back(static_cast<double>(full.max_rss_kib) / 1024.0);
    if (full.exit_code != 0) {
      std::cout << "the full resolution failed: " << full.out << full.err;
      return 1;
    }
  }
  const long long records = scalar(db, "SELECT count(*) FROM personsync.source_records");
  const long long persons = scalar(db, "SELECT count(*) FROM personsync.unified_persons");

  // 1% of the records change, other ones each round and away from the last round's, so that no round meets
  // what an earlier one moved: Whop records get another customer's email (a move) or a new one. Landed
  // again, then resolved incrementally.
  const std::size_t changes = static_cast<std::size_t>(records / 100);
  std::vector<double> reland_s, incremental_s;
  testing::process_result incremental;
  boost::json::object summary;
  for (int round = 0; round < rounds; ++round) {
    deployment.sim().with_sim([&](fakes::simulator& s) {
      const auto& people = s.whop().people();
      const std::size_t step = people.size() / changes;
      const std::size_t first = step * static_cast<std::size_t>(round) / static_cast<std::size_t>(rounds);
      for (std::size_t i = first, n = 0; n < changes && i < people.size(); i += step, ++n) {
        const std::string email = n % 2 == 0 && i + 1 < people.size() && people[i + 1].email
                                      ? *people[i + 1].email
                                      : fmt::format("changed.{}.{}@example.com", round, n);
        s.whop().control({{"op", "change_email"}, {"id", people[i].id}, {"email", email}});
      }
    });
    deployment.set_log_level("warn");
    auto start = clock_type::now();
    const testing::process_result relanded = deployment.personsync({"sync", "--full", "--no-resolve"});
    reland_s.push_back(seconds_since(start));
    deployment.set_log_level("debug");
    start = clock_type::now();
    incremental = deployment.personsync({"resolve", "--json"});
    incremental_s.push_back(seconds_since(start));
    if (relanded.exit_code != 0 || incremental.exit_code != 0) {
      std::cout << "the second round failed: " << relanded.out << relanded.err << incremental.out << incremental.err;
      return 1;
    }
    summary = boost::json::parse(incremental.out).as_object();
  }

  const double land = median(land_s), from_scratch = median(full_s), incremental_median = median(incremental_s);
  std::string figures;
  figures += fmt::format("identity_bench{} — {} Whop + {} PostHog records, one private PostgreSQL 15\n",
                           quick ? " --quick" : "", per_provider, per_provider);
  if (rounds > 1) figures += fmt::format("each time measured {} times, in turns; the median first\n", rounds);
  figures += fmt::format("\n{:<52} {:>12}\n", "measure", "value");
  const auto timed_line = [&](const char* what, double value, const std::vector<double>& all) {
    figures += fmt::format("{:<52} {:>10.2f} s{}\n", what, value,
                             all.size() > 1 ? fmt::format("  ({})", listed(all, " s")) : "");
  };
  figures += fmt::format("{:<52} {:>12}\n", "records landed", records);
  timed_line("landing (sync --no-resolve, empty database)", land, land_s);
  timed_line("resolution from scratch", from_scratch, full_s);
  figures += fmt::format("{:<52} {:>12.0f}  records/s\n", "  throughput", records / from_scratch);
  figures += fmt::format("{:<52} {:>12}\n", "persons published", persons);
  figures += fmt::format("{:<52} {:>9.0f} MiB\n", "peak RSS of personsync resolve", median(full_rss_mib));
  std::vector<double> pairs;
  for (int i = 0; i < rounds; ++i) pairs.push_back(full_s[i] / land_s[i]);
  figures += fmt::format("{:<52} {:>11.2f}x  (target <= 0.5x){}\n", "ratio resolution / landing", from_scratch / land,
                           rounds > 1 ? fmt::format("; each round: {}", listed(pairs, "x")) : "");
  figures += fmt::format("{:<52} {:>12}\n", "records changed upstream (1%)", changes);
  timed_line("landing them (sync --full --no-resolve)", median(reland_s), reland_s);
  figures += fmt::format("{:<52} {:>12}\n", "dirty records / records resolved (last round)",
                           fmt::format("{} / {}", summary.at("dirty_records").as_int64(), summary.at("area_records").as_int64()));
  timed_line("incremental resolution", incremental_median, incremental_s);
  figures += fmt::format("{:<52} {:>11.1f}%  (target <= 5%)\n", "ratio incremental / from scratch",
                           100.0 * incremental_median / from_scratch);
  figures += fmt::format("{:<52} {:>12}\n", "events of the incremental resolution (last)", summary.at("events").as_int64());

  figures += steps("last resolution from scratch", full.err);
  figures += steps("last incremental resolution", incremental.err);
  if (!bench::publish_results("identity_bench", figures)) return 1;
  return 0;
}
