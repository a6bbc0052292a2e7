#include "common/config/key_table.hpp"

#include <fmt/format.h>

#include "common/config/duration.hpp"

namespace personsync::config {

std::string value_text(const std::string& v) { return v; }
std::string value_text(bool v) { return v ? "true" : "false"; }
std::string value_text(std::int64_t v) { return std::to_string(v); }
std::string value_text(double v) { return fmt::format("{}", v); }  // the shortest text that reads back as v
std::string value_text(std::chrono::milliseconds v) { return format_duration(v); }
std::string value_text(const std::optional<std::chrono::milliseconds>& v) { return v ? format_duration(*v) : ""; }
std::string value_text(const std::optional<std::string>& v) { return v.value_or(""); }

std::string value_text(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& item : v) out += std::to_string(item.size()) + ":" + item + ";";
  return out;
}

std::string value_text(const std::optional<secret>& v) { return v ? "(set)" : ""; }

void read_value(const section& s, std::string_view key, std::string& out) { out = s.string(key); }
void read_value(const section& s, std::string_view key, bool& out) { out = s.boolean(key); }
void read_value(const section& s, std::string_view key, double& out) { out = s.number(key); }
void read_value(const section& s, std::string_view key, std::chrono::milliseconds& out) { out = s.duration(key); }
void read_value(const section& s, std::string_view key, std::optional<std::chrono::milliseconds>& out) {
  out = s.duration(key);
}
void read_value(const section& s, std::string_view key, std::optional<std::string>& out) { out = s.string(key); }
void read_value(const section& s, std::string_view key, std::vector<std::string>& out) { out = s.strings(key); }
void read_value(const section& s, std::string_view key, std::optional<secret>& out) { out = s.credential(key); }

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
