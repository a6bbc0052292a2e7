#pragma once
// When each source runs next: at startup, then every `interval` (a full sweep
// every `full_interval`), each wait lengthened by a random jitter; after a
// failure the wait doubles per consecutive failure up to `max_backoff`. A
// source never runs twice at once, and only while this replica holds its lease
// (every source does until told otherwise). Pure: the caller gives the time.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "daemon/runtime/schedule_config.hpp"

namespace personsync::runtime {

class scheduler {
 public:
  using clock = std::chrono::steady_clock;

  scheduler(schedule_config config, std::uint64_t seed);

  struct source {
    std::string name;
    std::optional<std::chrono::milliseconds> interval = {};  // unset: the config's
    std::optional<std::chrono::milliseconds> full_interval = {};
  };
  // The configured sources; new ones are due at once, removed ones forgotten.
  void set_sources(const std::vector<source>& sources, clock::time_point now);
  void set_config(schedule_config config) { config_ = config; }
  // The sources this replica holds the lease of: the others are not run, and are not
  // this replica's to report failing. A source keeps its times while another holds it.
  void set_held(const std::set<std::string>& held);

  struct due_run {
    std::string source;
    bool full = false;
  };
  // The runs due at `now`, marked running.
  std::vector<due_run> take_due(clock::time_point now);
  enum class run_outcome {
    succeeded,
    failed,
    busy,  // another process was syncing the source: neither a success nor a failure, tried again soon
  };
  void finished(const std::string& source, run_outcome outcome, bool was_full, clock::time_point now);
  // SIGUSR1: every source not running is due now.
  void trigger_all(clock::time_point now);

  [[nodiscard]] std::optional<clock::time_point> next_wakeup() const;
  // Since when the source has been failing (its first failure in a row), if it is.
  [[nodiscard]] std::optional<clock::time_point> failing_since(const std::string& source) const;
  // Since when the source's run in progress has been going on, if one is.
  [[nodiscard]] std::optional<clock::time_point> running_since(const std::string& source) const;

 private:
  struct source_state {
    source config;
    clock::time_point next_run;
    clock::time_point next_full;
    bool running = false;
    bool held = true;
    clock::time_point running_since = {};
    int failures = 0;
    std::optional<clock::time_point> failing_since = {};
  };
  clock::duration jittered(clock::duration wait);
  [[nodiscard]] clock::duration interval_of(const source_state& s) const;
  [[nodiscard]] clock::duration full_interval_of(const source_state& s) const;

  schedule_config config_;
  std::mt19937_64 rng_;
  std::map<std::string, source_state> sources_;
};

}  // namespace personsync::runtime
