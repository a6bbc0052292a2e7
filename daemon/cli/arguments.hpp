#pragma once
// Command-line options: `--name value`, `--name=value` and flags.

#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace personsync::cli {

class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct option_spec {
  std::string_view name;        // without the leading "--"
  std::string_view value_name = {};  // empty: a flag
  std::string_view help = {};
  bool repeatable = false;
};

class arguments {
 public:
  arguments(std::span<const std::string> args, std::span<const option_spec> specs);

  [[nodiscard]] bool flag(std::string_view name) const { return values_.contains(std::string(name)); }
  [[nodiscard]] std::optional<std::string> value(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> values(std::string_view name) const;
  [[nodiscard]] const std::vector<std::string>& positionals() const noexcept { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

}  // namespace personsync::cli
