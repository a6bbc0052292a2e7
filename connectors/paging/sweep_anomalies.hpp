#pragma once
// The anomalies a sweep met, one kind per thing the page driver counts that a
// healthy sweep does not have. Each kind is a labelled counter
// (personsync_sweep_anomalies_total{source,kind}), a key of sync_runs.anomalies
// and of `sync --json`'s "anomalies": one table, read by all three.

#include <array>
#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>

#include "connectors/paging/sweep_counts.hpp"

namespace personsync::paging {

enum class sweep_anomaly {
  bad_page,            // a page that could not be read (retried, or the sweep failed)
  transport_error,     // a request that got no complete answer
  duplicate,           // a record seen twice within the sweep
  shortfall,           // records fewer than the provider announced
  drift,               // a sweep that ended further from the announced total than the source tolerates
  replaced_character,  // invalid UTF-8 or NUL replaced in a provider's text
};

inline constexpr std::array<sweep_anomaly, 6> all_sweep_anomalies{
    sweep_anomaly::bad_page,  sweep_anomaly::transport_error, sweep_anomaly::duplicate,
    sweep_anomaly::shortfall, sweep_anomaly::drift,           sweep_anomaly::replaced_character};

std::string_view name_of(sweep_anomaly kind);

// How many of `kind` the sweep met (drift: 1 or 0).
std::uint64_t count_of(const sweep_counts& counts, sweep_anomaly kind);

// Every kind by name with its count, zeros included: {"bad_page": 0, "transport_error": 2, …}.
boost::json::object anomalies_json(const sweep_counts& counts);

}  // namespace personsync::paging
