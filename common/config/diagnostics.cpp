#include "common/config/diagnostics.hpp"

#include <fmt/format.h>

namespace personsync::config {

std::string to_string(const diagnostic& d) {
  std::string out = d.where.file;
  if (d.where.line > 0) out += fmt::format(":{}:{}", d.where.line, d.where.column);
  out += d.level == severity::error ? ": error: " : ": warning: ";
  if (!d.key_path.empty()) out += d.key_path + ": ";
  out += d.message;
  return out;
}

void diagnostics::error(position where, std::string key_path, std::string message) {
  items_.push_back({severity::error, std::move(where), std::move(key_path), std::move(message)});
  ++error_count_;
}

void diagnostics::warning(position where, std::string key_path, std::string message) {
  items_.push_back({severity::warning, std::move(where), std::move(key_path), std::move(message)});
}

}  // namespace personsync::config
