#include "common/config/key_table.hpp"

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

}  // namespace personsync::config
