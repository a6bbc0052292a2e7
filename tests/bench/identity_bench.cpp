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

#include <cstring>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "tests/bench/bench_deployment.hpp"

using namespace personsync;
using bench::clock_type;
using bench::scalar;
using bench::seconds_since;

namespace {

// The debug log's "resolution: <step> took <n> s" lines.
void print_steps(const std::string& which, const std::string& log_text) {
  std::cout << "\nsteps of the " << which << ":\n";
  std::istringstream log(log_text);
  for (std::string line; std::getline(log, line);) {
    if (const auto at = line.find("resolution: "); at != std::string::npos && line.find(" took ") != std::string::npos) {
      std::cout << "  " << line.substr(at + 12) << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto [quick, per_provider] = bench::size_from(argc, argv);

  bench::bench_deployment deployment(per_provider);
  if (deployment.personsync({"migrate"}).exit_code != 0) return 1;

  auto start = clock_type::now();
  const testing::process_result landed = deployment.personsync({"sync", "--no-resolve"});
  const double land_s = seconds_since(start);
  if (landed.exit_code != 0) {
    std::cout << "the sync failed: " << landed.out << landed.err;
    return 1;
  }

  deployment.set_log_level("debug");  // each step's time, printed below
  start = clock_type::now();
  const testing::process_result full = deployment.personsync({"resolve"});
  const double full_s = seconds_since(start);
  deployment.set_log_level("warn");
  if (full.exit_code != 0) {
    std::cout << "the full resolution failed: " << full.out << full.err;
    return 1;
  }
  const auto db_session = deployment.session();
  soci::session& db = *db_session;
  const long long records = scalar(db, "SELECT count(*) FROM personsync.source_records");
  const long long persons = scalar(db, "SELECT count(*) FROM personsync.unified_persons");

  // 1% of the records change: Whop records get another customer's email (a move) or a new one.
  const std::size_t changes = static_cast<std::size_t>(records / 100);
  deployment.sim().with_sim([&](fakes::simulator& s) {
    const auto& people = s.whop().people();
    const std::size_t step = people.size() / changes;
    for (std::size_t i = 0, n = 0; n < changes && i < people.size(); i += step, ++n) {
      const std::string email = n % 2 == 0 && i + 1 < people.size() && people[i + 1].email
                                    ? *people[i + 1].email
                                    : fmt::format("changed.{}@example.com", n);
      s.whop().control({{"op", "change_email"}, {"id", people[i].id}, {"email", email}});
    }
  });
  start = clock_type::now();
  const testing::process_result relanded = deployment.personsync({"sync", "--full", "--no-resolve"});
  const double reland_s = seconds_since(start);
  deployment.set_log_level("debug");
  start = clock_type::now();
  const testing::process_result incremental = deployment.personsync({"resolve", "--json"});
  const double incremental_s = seconds_since(start);
  deployment.set_log_level("warn");
  if (relanded.exit_code != 0 || incremental.exit_code != 0) {
    std::cout << "the second round failed: " << relanded.out << relanded.err << incremental.out << incremental.err;
    return 1;
  }
  const auto summary = boost::json::parse(incremental.out).as_object();

  std::cout << fmt::format("identity_bench{} — {} Whop + {} PostHog records, one private PostgreSQL 15\n\n",
                           quick ? " --quick" : "", per_provider, per_provider);
  std::cout << fmt::format("{:<52} {:>12}\n", "measure", "value");
  std::cout << fmt::format("{:<52} {:>12}\n", "records landed", records);
  std::cout << fmt::format("{:<52} {:>10.2f} s\n", "landing (sync --no-resolve, empty database)", land_s);
  std::cout << fmt::format("{:<52} {:>10.2f} s  ({:.0f} records/s)\n", "resolution from scratch", full_s, records / full_s);
  std::cout << fmt::format("{:<52} {:>12}\n", "persons published", persons);
  std::cout << fmt::format("{:<52} {:>9.0f} MiB\n", "peak RSS of personsync resolve",
                           static_cast<double>(full.max_rss_kib) / 1024.0);
  std::cout << fmt::format("{:<52} {:>11.2f}x  (target <= 0.5x)\n", "ratio resolution / landing", full_s / land_s);
  std::cout << fmt::format("{:<52} {:>12}\n", "records changed upstream (1%)", changes);
  std::cout << fmt::format("{:<52} {:>10.2f} s\n", "landing them (sync --full --no-resolve)", reland_s);
  std::cout << fmt::format("{:<52} {:>12}\n", "dirty records / records in the resolved area",
                           fmt::format("{} / {}", summary.at("dirty_records").as_int64(), summary.at("area_records").as_int64()));
  std::cout << fmt::format("{:<52} {:>10.2f} s\n", "incremental resolution", incremental_s);
  std::cout << fmt::format("{:<52} {:>11.1f}%  (target <= 5%)\n", "ratio incremental / from scratch",
                           100.0 * incremental_s / full_s);
  std::cout << fmt::format("{:<52} {:>12}\n", "events of the incremental resolution", summary.at("events").as_int64());

  print_steps("resolution from scratch", full.err);
  print_steps("incremental resolution", incremental.err);
  return 0;
}
