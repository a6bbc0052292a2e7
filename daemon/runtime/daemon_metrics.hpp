#pragma once
// personsync's Prometheus metrics: one registry, fed live by the syncs it
// observes (requests, retries, pauses, queue depth), after each run and each
// resolution, and read by /metrics. Labels are sources, replicas, endpoints, statuses,
// results, kinds and causes — never a person, a value or a URL. Thread-safe:
// syncs run on threads of their own.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/store/identity_store.hpp"
#include "daemon/sync/sync_observer.hpp"
#include "daemon/sync/sync_runner.hpp"

namespace prometheus {
class Registry;
}

namespace personsync::runtime {

class daemon_metrics final : public sync::sync_observer {
 public:
  daemon_metrics();
  ~daemon_metrics() override;
  daemon_metrics(const daemon_metrics&) = delete;
  daemon_metrics& operator=(const daemon_metrics&) = delete;

  // sync_observer: as they happen.
  void request_ended(std::string_view source, std::string_view endpoint, int status,
                     std::chrono::duration<double> elapsed) override;
  void retried(std::string_view source) override;
  void paused_by_retry_after(std::string_view source, std::chrono::milliseconds pause) override;
  void queue_depth(std::string_view source, std::size_t records) override;

  // Requests a source's credential may send now (read when scraped); nullopt: it has no limit.
  void record_rate_limit_tokens(const std::string& source, std::optional<std::size_t> tokens);

  // Which replica holds each configured source's lease (`holders`, by source), and so whether
  // this one (`replica`) does.
  void record_leases(const std::vector<std::string>& sources, const std::string& replica,
                     const std::map<std::string, std::string>& holders);

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
