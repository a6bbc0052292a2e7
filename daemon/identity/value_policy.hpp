#pragma once
// Which identifier values may never link, and why: empty values, the built-in
// junk list (PostHog's own refused distinct ids, placeholder emails), the
// configured `blocked_values` and `blocked_patterns`, and values an operator
// blocked with `personsync block`. A blocked value is still stored and shown by
// `explain`; it just never joins two records.

#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/identity/identity_config.hpp"

namespace personsync::identity {

class value_policy {
 public:
  explicit value_policy(const identity_config& config);

  // An operator's block: for one kind, or for every kind when `kind` is empty.
  void block(std::optional<identifier_kind> kind, std::string value);

  // Why `value` (normalized) of `kind` may not link; nullopt when it may.
  [[nodiscard]] std::optional<std::string> blocked(identifier_kind kind, std::string_view value) const;

 private:
  std::set<std::string, std::less<>> configured_;
  std::vector<std::pair<std::string, std::regex>> patterns_;
  std::set<std::pair<std::optional<identifier_kind>, std::string>> manual_;
};

}  // namespace personsync::identity
