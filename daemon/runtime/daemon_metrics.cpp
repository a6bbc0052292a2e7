#include "daemon/runtime/daemon_metrics.hpp"

#include <chrono>
#include <map>
#include <mutex>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "connectors/paging/sweep_anomalies.hpp"

#ifndef PERSONSYNC_VERSION
#define PERSONSYNC_VERSION "unknown"
#endif

namespace personsync::runtime {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

struct daemon_metrics::families {
  prometheus::Family<prometheus::Gauge>& build_info;
  prometheus::Family<prometheus::Counter>& runs;
  prometheus::Family<prometheus::Histogram>& run_seconds;
  prometheus::Family<prometheus::Counter>& records;
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& request_seconds;
  prometheus::Family<prometheus::Counter>& retries;
  prometheus::Family<prometheus::Counter>& throttled;
  prometheus::Family<prometheus::Counter>& retry_after_paused;
  prometheus::Family<prometheus::Gauge>& rate_limit_tokens;
  prometheus::Family<prometheus::Gauge>& queue_depth;
  prometheus::Family<prometheus::Gauge>& last_success;
  prometheus::Family<prometheus::Counter>& resolutions;
  prometheus::Family<prometheus::Histogram>& resolution_seconds;
  prometheus::Family<prometheus::Counter>& identity_events;
  prometheus::Family<prometheus::Gauge>& persons;
  prometheus::Family<prometheus::Gauge>& quarantined;
  prometheus::Family<prometheus::Gauge>& frozen;
  prometheus::Family<prometheus::Counter>& deletes_withheld;
  prometheus::Family<prometheus::Gauge>& clock_skew;
  prometheus::Family<prometheus::Counter>& sweep_anomalies;
  prometheus::Family<prometheus::Gauge>& lease_held;
  prometheus::Family<prometheus::Gauge>& lease_holder;
  std::mutex holders_mutex;
  std::map<std::string, std::string> holder_series;  // source → the replica label its holder series carries

  explicit families(prometheus::Registry& r)
      : build_info(BuildGauge().Name("personsync_build_info").Help("personsync's version, always 1").Register(r)),
        runs(BuildCounter().Name("personsync_sync_runs_total").Help("Sync runs by source and result").Register(r)),
        run_seconds(BuildHistogram().Name("personsync_sync_run_duration_seconds")
                        .Help("Wall time of sync runs").Register(r)),
        records(BuildCounter().Name("personsync_records_total")
                    .Help("Records by source and outcome (fetched, inserted, updated, unchanged, rejected, deleted)")
                    .Register(r)),
        requests(BuildCounter().Name("personsync_http_requests_total")
                     .Help("Provider requests by source, endpoint and status (0: no answer)").Register(r)),
        request_seconds(BuildHistogram().Name("personsync_http_request_duration_seconds")
                            .Help("Time from sending a provider request to its answer, by source and endpoint")
                            .Register(r)),
        retries(BuildCounter().Name("personsync_http_retries_total").Help("Provider requests retried, by source").Register(r)),
        throttled(BuildCounter().Name("personsync_http_throttled_total")
                      .Help("Provider 429 answers, by source").Register(r)),
        retry_after_paused(BuildCounter().Name("personsync_http_retry_after_paused_seconds_total")
                               .Help("Time a source's credential was paused because a 429's Retry-After asked")
                               .Register(r)),
        rate_limit_tokens(BuildGauge().Name("personsync_rate_limit_tokens")
                              .Help("Requests a source's credential may send now under its rate limits")
                              .Register(r)),
        queue_depth(BuildGauge().Name("personsync_queue_depth_records")
                        .Help("Records fetched and waiting for the database writer, by source").Register(r)),
        last_success(BuildGauge().Name("personsync_last_success_timestamp_seconds")
                         .Help("When a source's last successful run ended (Unix time)").Register(r)),
        resolutions(BuildCounter().Name("personsync_resolutions_total")
                        .Help("Identity resolutions by mode and result").Register(r)),
        resolution_seconds(BuildHistogram().Name("personsync_resolution_duration_seconds")
                               .Help("Wall time of identity resolutions").Register(r)),
        identity_events(BuildCounter().Name("personsync_identity_events_total")
                            .Help("Identity events (create, merge, split, move, delete) by cause").Register(r)),
        persons(BuildGauge().Name("personsync_persons").Help("Persons by status (active, merged, deleted)").Register(r)),
        quarantined(BuildGauge().Name("personsync_quarantined_values")
                        .Help("Identifier values on too many records to link").Register(r)),
        frozen(BuildGauge().Name("personsync_frozen_components")
                   .Help("Components above identity.max_component_size, not published").Register(r)),
        deletes_withheld(BuildCounter().Name("personsync_deletes_withheld_total")
                             .Help("Full sweeps that could not prove deletions and deleted nothing, by source and reason")
                             .Register(r)),
        clock_skew(BuildGauge().Name("personsync_provider_clock_skew_seconds")
                       .Help("A provider's clock (its Date header) minus personsync's, in the source's last run")
                       .Register(r)),
        sweep_anomalies(BuildCounter().Name("personsync_sweep_anomalies_total")
                            .Help("What sweeps met that a healthy one does not, by source and kind (bad_page, "
                                  "transport_error, duplicate, shortfall, drift, replaced_character)")
                            .Register(r)),
        lease_held(BuildGauge().Name("personsync_source_lease_held")
                       .Help("1 while this replica holds the source's lease and schedules it, else 0").Register(r)),
        lease_holder(BuildGauge().Name("personsync_source_lease_holder")
                         .Help("1 for the replica holding the source's lease, as this replica last read it")
                         .Register(r)) {}
};

namespace {

const prometheus::Histogram::BucketBoundaries duration_buckets{0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600};
// Loopback answers take milliseconds, a slow provider page seconds, a timeout tens of seconds.
const prometheus::Histogram::BucketBoundaries request_buckets{0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

std::string text(std::string_view s) { return std::string(s); }

}  // namespace

daemon_metrics::daemon_metrics()
    : registry_(std::make_shared<prometheus::Registry>()), f_(std::make_unique<families>(*registry_)) {
  f_->build_info.Add({{"version", PERSONSYNC_VERSION}}).Set(1);
}

daemon_metrics::~daemon_metrics() = default;

void daemon_metrics::request_ended(std::string_view source, std::string_view endpoint, int status,
                                   std::chrono::duration<double> elapsed) {
  const std::string status_label = std::to_string(status);
  f_->requests.Add({{"source", text(source)}, {"endpoint", text(endpoint)}, {"status", status_label}}).Increment();
  f_->request_seconds.Add({{"source", text(source)}, {"endpoint", text(endpoint)}}, request_buckets)
      .Observe(elapsed.count());
  if (status == 429) f_->throttled.Add({{"source", text(source)}}).Increment();
}

void daemon_metrics::retried(std::string_view source) { f_->retries.Add({{"source", text(source)}}).Increment(); }

void daemon_metrics::paused_by_retry_after(std::string_view source, std::chrono::milliseconds pause) {
  f_->retry_after_paused.Add({{"source", text(source)}}).Increment(std::chrono::duration<double>(pause).count());
}

void daemon_metrics::queue_depth(std::string_view source, std::size_t records) {
  f_->queue_depth.Add({{"source", text(source)}}).Set(static_cast<double>(records));
}

void daemon_metrics::record_rate_limit_tokens(const std::string& source, std::optional<std::size_t> tokens) {
  const prometheus::Labels labels{{"source", source}};
  if (tokens) {
    f_->rate_limit_tokens.Add(labels).Set(static_cast<double>(*tokens));
  } else if (f_->rate_limit_tokens.Has(labels)) {
    f_->rate_limit_tokens.Remove(&f_->rate_limit_tokens.Add(labels));  // no limit (any more): no series
  }
}

void daemon_metrics::record_leases(const std::vector<std::string>& sources, const std::string& replica,
                                   const std::map<std::string, std::string>& holders) {
  std::lock_guard lock(f_->holders_mutex);
  for (auto it = f_->holder_series.begin(); it != f_->holder_series.end();) {
    const auto holder = holders.find(it->first);
    if (holder != holders.end() && holder->second == it->second) {
      ++it;
      continue;
    }
    // A lease changed hands or went free: the old holder's series goes, not to linger at 1.
    f_->lease_holder.Remove(&f_->lease_holder.Add({{"source", it->first}, {"replica", it->second}}));
    it = f_->holder_series.erase(it);
  }
  for (const std::string& source : sources) {
    const auto holder = holders.find(source);
    f_->lease_held.Add({{"source", source}}).Set(holder != holders.end() && holder->second == replica ? 1 : 0);
    if (holder == holders.end()) continue;
    f_->lease_holder.Add({{"source", source}, {"replica", holder->second}}).Set(1);
    f_->holder_series[source] = holder->second;
  }
}

void daemon_metrics::record_run(const sync::source_summary& run) {
  f_->runs.Add({{"source", run.name}, {"result", std::string(name_of(run.status))}}).Increment();
  f_->run_seconds.Add({{"source", run.name}}, duration_buckets).Observe(run.seconds);
  const std::pair<const char*, double> outcomes[] = {
      {"fetched", static_cast<double>(run.counts.fetched)},     {"inserted", static_cast<double>(run.counts.inserted)},
      {"updated", static_cast<double>(run.counts.updated)},     {"unchanged", static_cast<double>(run.counts.unchanged)},
      {"rejected", static_cast<double>(run.counts.rejected)},   {"deleted", static_cast<double>(run.deleted)}};
  for (const auto& [outcome, n] : outcomes) f_->records.Add({{"source", run.name}, {"outcome", outcome}}).Increment(n);
  f_->queue_depth.Add({{"source", run.name}}).Set(0);  // the run is over, whatever it last reported
  if (run.deletes_withheld.doubt != paging::sweep_doubt::none) {
    f_->deletes_withheld.Add({{"source", run.name}, {"reason", text(paging::doubt_name(run.deletes_withheld.doubt))}})
        .Increment();
  }
  for (const paging::sweep_anomaly kind : paging::all_sweep_anomalies) {
    f_->sweep_anomalies.Add({{"source", run.name}, {"kind", text(paging::name_of(kind))}})
        .Increment(static_cast<double>(paging::count_of(run.sweep, kind)));
  }
  if (run.sweep.provider_clock_skew_seconds) {
    f_->clock_skew.Add({{"source", run.name}}).Set(*run.sweep.provider_clock_skew_seconds);
  }
  if (run.status == sync::source_result::succeeded) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    f_->last_success.Add({{"source", run.name}}).Set(std::chrono::duration<double>(now).count());
  }
}

void daemon_metrics::record_resolution(
    const store::resolution_summary& summary, double seconds,
    const std::vector<std::tuple<std::string, std::string, std::int64_t>>& events_by_kind_and_cause,
    const store::identity_overview& overview) {
  f_->resolutions.Add({{"mode", summary.resolution_id ? summary.mode : "none"}, {"result", "succeeded"}}).Increment();
  f_->resolution_seconds.Add({}, duration_buckets).Observe(seconds);
  for (const auto& [kind, cause, n] : events_by_kind_and_cause) {
    f_->identity_events.Add({{"kind", kind}, {"cause", cause}}).Increment(static_cast<double>(n));
  }
  f_->persons.Add({{"status", "active"}}).Set(static_cast<double>(overview.active_persons));
  f_->persons.Add({{"status", "merged"}}).Set(static_cast<double>(overview.merged_persons));
  f_->persons.Add({{"status", "deleted"}}).Set(static_cast<double>(overview.deleted_persons));
  f_->quarantined.Add({}).Set(static_cast<double>(overview.quarantined_total));
  f_->frozen.Add({}).Set(static_cast<double>(overview.frozen_components.size()));
}

void daemon_metrics::record_resolution_failure() {
  f_->resolutions.Add({{"mode", "unknown"}, {"result", "failed"}}).Increment();
}

std::string daemon_metrics::serialize() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace personsync::runtime
