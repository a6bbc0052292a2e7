#include "daemon/logging/json_formatter.hpp"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace personsync::logging {

void append_json_escaped(std::string_view text, spdlog::memory_buf_t& dest) {
  for (const char c : text) {
    switch (c) {
      case '"': dest.append(std::string_view("\\\"")); break;
      case '\\': dest.append(std::string_view("\\\\")); break;
      case '\n': dest.append(std::string_view("\\n")); break;
      case '\r': dest.append(std::string_view("\\r")); break;
      case '\t': dest.append(std::string_view("\\t")); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(dest), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          dest.push_back(c);
        }
    }
  }
}

void json_formatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto since_epoch = msg.time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  fmt::format_to(std::back_inserter(dest), R"({{"time":"{:%Y-%m-%dT%H:%M:%S}.{:03}Z","level":")",
                 std::chrono::sys_seconds(seconds), millis);
  const auto level = spdlog::level::to_string_view(msg.level);
  dest.append(level.data(), level.data() + level.size());
  dest.append(std::string_view(R"(","msg":")"));
  append_json_escaped(std::string_view(msg.payload.data(), msg.payload.size()), dest);
  dest.append(std::string_view("\"}\n"));
}

std::unique_ptr<spdlog::formatter> json_formatter::clone() const { return std::make_unique<json_formatter>(); }

}  // namespace personsync::logging
