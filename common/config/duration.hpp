#pragma once
// Durations in config files: "250ms", "30s", "15m", "6h", "7d".

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace personsync::config {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds d);

}  // namespace personsync::config
