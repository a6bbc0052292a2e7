#pragma once
// The [schedule] section: when `personsync run` syncs each source, and the
// name this replica goes by. Every key but replica_name may change on reload
// (SIGHUP).

#include <chrono>
#include <span>
#include <string>

#include "common/config/key_table.hpp"
#include "common/config/section.hpp"

namespace personsync::runtime {

struct schedule_config {
  std::chrono::milliseconds interval{std::chrono::minutes(15)};   // incremental runs
  std::chrono::milliseconds full_interval{std::chrono::hours(24)};  // full sweeps (the only ones that delete)
  std::chrono::milliseconds jitter{std::chrono::seconds(30)};     // added at random to each wait
  std::chrono::milliseconds max_backoff{std::chrono::hours(1)};   // after failures, waits double up to this
  std::chrono::milliseconds unready_after{std::chrono::hours(1)};  // a source failing this long makes /readyz fail
  std::chrono::milliseconds max_run_time{std::chrono::hours(24)};  // a run going on this long makes /readyz fail
  std::string replica_name;  // empty: <host name>-<pid>

  // The name this process goes by among the replicas: replica_name, or its default.
  [[nodiscard]] std::string replica() const;

  static const config::key_table<schedule_config>& table();
  static std::span<const config::key_spec> config_keys() { return table().specs(); }
  static schedule_config from_config(const config::section& s);
};

}  // namespace personsync::runtime
