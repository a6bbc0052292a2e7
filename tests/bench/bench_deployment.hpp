#pragma once
// What the end-to-end benchmarks share: a private PostgreSQL cluster, the
// simulators with `per_provider` people each (plain text, no rate limit), a
// config pointing personsync at both, and the binary run as a subprocess.

#include <chrono>
#include <memory>
#include <string_view>
#include <string>
#include <vector>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "tests/support/private_cluster.hpp"
#include "tests/support/sim_fixture.hpp"
#include "tests/support/subprocess.hpp"

namespace personsync::bench {

using clock_type = std::chrono::steady_clock;

inline double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// What the million-record benchmarks take from their command line: `--quick`
// runs a fifth of the size. Quietens the benchmark's own logging.
struct bench_size {
  bool quick;
  std::size_t per_provider;
};
inline bench_size size_from(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const bool quick = argc > 1 && std::string_view(argv[1]) == "--quick";
  return {quick, quick ? std::size_t{100'000} : std::size_t{500'000}};
}

// One number from the database.
inline long long scalar(soci::session& db, const std::string& sql) {
  long long v = 0;
  db << sql, soci::into(v);
  return v;
}

inline fakes::simulator_options bench_sim_options(std::size_t per_provider) {
  fakes::simulator_options options;
  options.people.whop_people = per_provider;
  options.people.posthog_persons = per_provider;
  options.people.adversarial_text = false;
  options.posthog.rate_limit = "none";
  return options;
}

class bench_deployment {
 public:
  // `extra`: more config sections, appended.
  explicit bench_deployment(std::size_t per_provider, const std::string& extra = "")
      : sim_(bench_sim_options(per_provider)) {
    dir_.write("db_password", cluster_.password(), 0600);
    config_text_ = "[database]\nconninfo = \"" + cluster_.conninfo() + "\"\npassword_file = \"db_password\"\n"
        "[[whop]]\nname = \"store\"\ntoken_env = \"BENCH_WHOP\"\nbase_url = \"" + sim_.base_url() + "/api/v1\"\n"
        "rate_limit = \"none\"\npage_size = 101\nconcurrency = 4\n"
        "[[posthog]]\nname = \"product\"\ntoken_env = \"BENCH_POSTHOG\"\nproject_id = 1\nrate_limit = \"none\"\n"
        "page_size = 1000\nconcurrency = 4\nbase_url = \"" + sim_.base_url() + "\"\n" + extra;
    set_log_level("warn");
  }

  // Rewrites the config with this [log] level ("debug" prints each resolution step).
  void set_log_level(const std::string& level) {
    config_ = dir_.write("personsync.toml", "[log]\nlevel = \"" + level + "\"\n" + config_text_);
  }

  [[nodiscard]] std::vector<std::string> argv(std::vector<std::string> args) const {
    std::vector<std::string> full{testing::personsync_binary().string()};
    full.insert(full.end(), args.begin(), args.end());
    full.insert(full.end(), {"--config", config_.string()});
    return full;
  }
  [[nodiscard]] static testing::process_options env() {
    return {.env = {{"BENCH_WHOP", "sim-whop-token"}, {"BENCH_POSTHOG", "sim-posthog-token"}},
            .timeout = std::chrono::minutes(30)};
  }
  testing::process_result personsync(std::vector<std::string> args) const {
    return testing::run_process(argv(std::move(args)), env());
  }
  [[nodiscard]] const testing::temp_dir& dir() const { return dir_; }

  [[nodiscard]] std::unique_ptr<soci::session> session() const {
    return std::make_unique<soci::session>(soci::postgresql, cluster_.conninfo() + " password=" + cluster_.password());
  }
  [[nodiscard]] testing::private_cluster& cluster() { return cluster_; }
  [[nodiscard]] testing::sim_fixture& sim() { return sim_; }

 private:
  testing::private_cluster cluster_;
  testing::sim_fixture sim_;
  testing::temp_dir dir_;
  std::string config_text_;  // all but [log]
  std::filesystem::path config_;
};

}  // namespace personsync::bench
