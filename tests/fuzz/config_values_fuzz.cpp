// The config's value parsers an operator's typo reaches: durations ("15m",
// "1h30m") and rate-limit windows ("180/min, 1200/hour"). Any text is read or
// refused; what is read is positive and bounded.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/config/duration.hpp"
#include "connectors/paging/rate_limiter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto d = personsync::config::parse_duration(text); d && d->count() < 0) std::abort();
  if (const auto windows = personsync::paging::parse_rate_limit(text)) {
    for (const auto& w : *windows) {
      if (w.requests == 0 || w.period.count() <= 0) std::abort();
    }
  }
  return 0;
}
