#include "daemon/runtime/schedule_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include <fmt/format.h>

namespace personsync::runtime {
namespace {

using config::value_kind;
using row = config::bound_key<schedule_config>;

constexpr std::array keys{
    row{{.name = "interval", .kind = value_kind::duration, .min = 1, .max = 7 * 86400,
         .help = "Time between incremental runs of a source."},
        &schedule_config::interval},
    row{{.name = "full_interval", .kind = value_kind::duration, .min = 60,
         .max = 90 * 86400, .help = "Time between full sweeps of a source (the only runs that find deletions)."},
        &schedule_config::full_interval},
    row{{.name = "jitter", .kind = value_kind::duration, .min = 0, .max = 86400,
         .help = "Up to this much is added at random to each wait, so that sources and replicas do not fire together."},
        &schedule_config::jitter},
    row{{.name = "max_backoff", .kind = value_kind::duration, .min = 1, .max = 86400,
         .help = "After failed runs a source waits interval, doubled per failure, up to this."},
        &schedule_config::max_backoff},
    row{{.name = "unready_after", .kind = value_kind::duration, .min = 1,
         .max = 30 * 86400, .help = "/readyz fails while a source has been failing for longer than this."},
        &schedule_config::unready_after},
    row{{.name = "max_run_time", .kind = value_kind::duration, .min = 1,
         .max = 30 * 86400,
         .help = "/readyz fails, and status warns, while a run has been going on longer than this (a full "
                 "sweep of ten million PostHog persons at 1,200 requests an hour takes about 8 hours)."},
        &schedule_config::max_run_time},
    row{{.name = "replica_name", .kind = value_kind::string, .on_reload = config::reload::needs_restart,
         .help = "What this process is called among the replicas of `personsync run` that share one database "
                 "(in /metrics, `status` and its sessions' application_name): letters, digits, '.', '_' and "
                 "'-', at most 40. Unset: the host name and the process id."},
        &schedule_config::replica_name},
};

// Short enough for PostgreSQL's 63-byte application_name after its prefix, and plain
// enough for a metric label and a log line as it is.
bool is_valid_replica_name(const std::string& name) {
  return !name.empty() && name.size() <= 40 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

const config::key_table<schedule_config>& schedule_config::table() {
  static const config::key_table<schedule_config> table(keys);
  return table;
}

schedule_config schedule_config::from_config(const config::section& s) {
  schedule_config out;
  table().read(s, out);
  if (!out.replica_name.empty() && !is_valid_replica_name(out.replica_name)) {
    s.error("replica_name", fmt::format("'{}' is not a replica name: letters, digits, '.', '_' and '-', at most 40",
                                        out.replica_name));
  }
  return out;
}

std::string schedule_config::replica() const {
  if (!replica_name.empty()) return replica_name;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "localhost");
  std::string name(host);
  name.resize(std::min<std::size_t>(name.size(), 30));
  return fmt::format("{}-{}", name, getpid());
}

}  // namespace personsync::runtime
