#include "common/config/key_table.hpp"

#include <fmt/format.h>

#include "common/config/duration.hpp"

namespace personsync::config {

std::string value_text(const std::string& v) { return v; }
std::string value_text(bool v) { return v ? "true" : "false"; }
std::string value_text(std::int64_t v) { return std::to_string(v); }
std::string value_text(std::chrono::milliseconds v) { return format_duration(v); }

std::string value_text(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& item : v) out += std::to_string(item.size()) + ":" + item + ";";
  return out;
}

std::string value_text(const std::optional<secret>& v) { return v ? "(set)" : ""; }

std::string toml_literal(value_kind kind, std::string_view text) {
  if (kind != value_kind::string && kind != value_kind::duration) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace personsync::config
