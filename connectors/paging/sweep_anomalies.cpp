#include "connectors/paging/sweep_anomalies.hpp"

namespace personsync::paging {

std::string_view name_of(sweep_anomaly kind) {
  switch (kind) {
    case sweep_anomaly::bad_page: return "bad_page";
    case sweep_anomaly::transport_error: return "transport_error";
    case sweep_anomaly::duplicate: return "duplicate";
    case sweep_anomaly::shortfall: return "shortfall";
    case sweep_anomaly::drift: return "drift";
    case sweep_anomaly::replaced_character: return "replaced_character";
  }
  return "unknown";
}

std::uint64_t count_of(const sweep_counts& counts, sweep_anomaly kind) {
  switch (kind) {
    case sweep_anomaly::bad_page: return counts.bad_pages;
    case sweep_anomaly::transport_error: return counts.transport_errors;
    case sweep_anomaly::duplicate: return counts.duplicates;
    case sweep_anomaly::shortfall: return counts.shortfall;
    case sweep_anomaly::drift: return counts.drifted ? 1 : 0;
    case sweep_anomaly::replaced_character: return counts.replaced_characters;
  }
  return 0;
}

boost::json::object anomalies_json(const sweep_counts& counts) {
  boost::json::object out;
  for (const sweep_anomaly kind : all_sweep_anomalies) out[name_of(kind)] = count_of(counts, kind);
  return out;
}

}  // namespace personsync::paging
