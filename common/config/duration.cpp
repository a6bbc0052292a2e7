#include "common/config/duration.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

namespace personsync::config {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::int64_t count = 0;
  const auto* first = text.data();
  const auto* last = text.data() + text.size();
  auto [unit_start, ec] = std::from_chars(first, last, count);
  if (ec != std::errc{} || unit_start == first || count < 0) return std::nullopt;

  const std::string_view unit(unit_start, static_cast<std::size_t>(last - unit_start));
  std::int64_t ms_per_unit = 0;
  if (unit == "ms") ms_per_unit = 1;
  else if (unit == "s") ms_per_unit = 1000;
  else if (unit == "m") ms_per_unit = 60'000;
  else if (unit == "h") ms_per_unit = 3'600'000;
  else if (unit == "d") ms_per_unit = 86'400'000;
  else return std::nullopt;

  if (count > std::numeric_limits<std::int64_t>::max() / ms_per_unit) return std::nullopt;
  return std::chrono::milliseconds(count * ms_per_unit);
}

std::string format_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  struct unit { std::int64_t size; const char* suffix; };
  for (const unit u : {unit{86'400'000, "d"}, unit{3'600'000, "h"}, unit{60'000, "m"}, unit{1000, "s"}}) {
    if (ms != 0 && ms % u.size == 0) return std::to_string(ms / u.size) + u.suffix;
  }
  return std::to_string(ms) + "ms";
}

}  // namespace personsync::config
