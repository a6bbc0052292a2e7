#pragma once
// Errors and warnings found while reading a config file. Validation never stops
// at the first problem: every component adds what it finds, and the caller
// reports them all at once, each with file:line:column and the key path.

#include <cstdint>
#include <string>
#include <vector>

namespace personsync::config {

struct position {
  std::string file;
  std::uint32_t line = 0;    // 0 when unknown (e.g. a key that is missing)
  std::uint32_t column = 0;
};

enum class severity { error, warning };

struct diagnostic {
  severity level;
  position where;
  std::string key_path;  // e.g. "whop[1].token_file"; empty for file-level problems
  std::string message;
};

// "file:line:column: error: key.path: message"
std::string to_string(const diagnostic& d);

class diagnostics {
 public:
  void error(position where, std::string key_path, std::string message);
  void warning(position where, std::string key_path, std::string message);

  [[nodiscard]] bool has_errors() const noexcept { return error_count_ > 0; }
  [[nodiscard]] std::size_t error_count() const noexcept { return error_count_; }
  [[nodiscard]] const std::vector<diagnostic>& all() const noexcept { return items_; }

 private:
  std::vector<diagnostic> items_;
  std::size_t error_count_ = 0;
};

}  // namespace personsync::config
