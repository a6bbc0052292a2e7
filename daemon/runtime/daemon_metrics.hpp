#pragma once
// personsync's Prometheus metrics: one registry, fed after each run and each
// resolution, read by /metrics. Labels are sources, results, kinds and causes
// — never a person or a value.

#include <memory>
#include <string>

#include "daemon/store/identity_store.hpp"
#include "daemon/sync/sync_runner.hpp"

namespace prometheus {
class Registry;
}

namespace personsync::runtime {

class daemon_metrics {
 public:
  daemon_metrics();
  ~daemon_metrics();
  daemon_metrics(const daemon_metrics&) = delete;
  daemon_metrics& operator=(const daemon_metrics&) = delete;

  void record_run(const sync::source_summary& run);
  // A resolution, the events it wrote by kind and cause, and the identity totals after it.
  void record_resolution(const store::resolution_summary& summary, double seconds,
                         const std::vector<std::tuple<std::string, std::string, std::int64_t>>& events_by_kind_and_cause,
                         const store::identity_overview& overview);
  void record_resolution_failure();

  // The text exposition format.
  [[nodiscard]] std::string serialize() const;

 private:
  struct families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<families> f_;
};

}  // namespace personsync::runtime
