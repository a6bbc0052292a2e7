#include "daemon/runtime/schedule_config.hpp"

#include <array>

namespace personsync::runtime {
namespace {

using config::key_spec;
using config::value_kind;

constexpr std::array keys{
    key_spec{.name = "interval", .kind = value_kind::duration, .default_value = "15m", .min = 1, .max = 7 * 86400,
             .help = "Time between incremental runs of a source."},
    key_spec{.name = "full_interval", .kind = value_kind::duration, .default_value = "24h", .min = 60,
             .max = 90 * 86400, .help = "Time between full sweeps of a source (the only runs that find deletions)."},
    key_spec{.name = "jitter", .kind = value_kind::duration, .default_value = "30s", .min = 0, .max = 86400,
             .help = "Up to this much is added at random to each wait, so that sources and replicas do not fire together."},
    key_spec{.name = "max_backoff", .kind = value_kind::duration, .default_value = "1h", .min = 1, .max = 86400,
             .help = "After failed runs a source waits interval, doubled per failure, up to this."},
    key_spec{.name = "unready_after", .kind = value_kind::duration, .default_value = "1h", .min = 1,
             .max = 30 * 86400, .help = "/readyz fails while a source has been failing for longer than this."},
    key_spec{.name = "max_run_time", .kind = value_kind::duration, .default_value = "24h", .min = 1,
             .max = 30 * 86400,
             .help = "/readyz fails, and status warns, while a run has been going on longer than this (a full "
                     "sweep of ten million PostHog persons at 1,200 requests an hour takes about 8 hours)."},
};

}  // namespace

std::span<const config::key_spec> schedule_config::config_keys() { return keys; }

schedule_config schedule_config::from_config(const config::section& s) {
  schedule_config out;
  out.interval = s.duration("interval");
  out.full_interval = s.duration("full_interval");
  out.jitter = s.duration("jitter");
  out.max_backoff = s.duration("max_backoff");
  out.unready_after = s.duration("unready_after");
  out.max_run_time = s.duration("max_run_time");
  return out;
}

}  // namespace personsync::runtime
