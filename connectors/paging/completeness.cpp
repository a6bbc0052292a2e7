#include "connectors/paging/completeness.hpp"

#include <cmath>

#include <fmt/format.h>

namespace personsync::paging {

announced_total read_announced_total(const boost::json::value* field) {
  announced_total out;
  if (!field || field->is_null()) return out;
  if (field->is_int64()) {
    const std::int64_t v = field->get_int64();
    if (v < 0) out.problem = announced_total_problem::negative;
    else if (v > sane_total_bound) out.problem = announced_total_problem::beyond_bound;
    else out.value = v;
  } else if (field->is_uint64()) {
    out.problem = announced_total_problem::beyond_bound;  // beyond int64 is beyond any bound
  } else {
    out.problem = announced_total_problem::not_an_integer;
  }
  return out;
}

std::string_view doubt_name(sweep_doubt doubt) noexcept {
  switch (doubt) {
    case sweep_doubt::none: return "none";
    case sweep_doubt::total_not_an_integer: return "total_not_an_integer";
    case sweep_doubt::total_negative: return "total_negative";
    case sweep_doubt::total_beyond_bound: return "total_beyond_bound";
    case sweep_doubt::drifted: return "drifted";
  }
  return "none";
}

completeness judge_completeness(sweep_counts& counts, double drift_tolerance) {
  switch (counts.total_problem) {
    case announced_total_problem::none: break;
    case announced_total_problem::not_an_integer:
      return {sweep_doubt::total_not_an_integer, "the provider announced a total that is not an integer"};
    case announced_total_problem::negative:
      return {sweep_doubt::total_negative, "the provider announced a negative total"};
    case announced_total_problem::beyond_bound:
      return {sweep_doubt::total_beyond_bound,
              fmt::format("the provider announced a total beyond {} records", sane_total_bound)};
  }
  if (counts.expected_total < 0) return {};
  const auto expected = static_cast<std::uint64_t>(counts.expected_total);
  counts.shortfall = counts.records < expected ? expected - counts.records : 0;
  const double difference = std::abs(static_cast<double>(counts.records) - static_cast<double>(expected));
  if (difference <= drift_tolerance * static_cast<double>(std::max<std::uint64_t>(expected, 1))) return {};
  counts.drifted = true;
  return {sweep_doubt::drifted,
          fmt::format("the sweep collected {} records where the provider announced {} (beyond the {:g}% tolerance)",
                      counts.records, expected, drift_tolerance * 100)};
}

}  // namespace personsync::paging
