#pragma once
// Which identifier values may never link, and why: empty values, the built-in
// junk list (PostHog's own refused distinct ids, placeholder emails), the
// configured `blocked_values` and `blocked_patterns`, and values an operator
// blocked with `personsync block`. A blocked value is still stored and shown by
// `explain`; it just never joins two records.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/identity/identity_config.hpp"

namespace re2 {
class RE2;
}

namespace personsync::identity {

// Why RE2 cannot compile a blocked pattern (value_policy matches them with it, against the whole
// value); nullopt when it can. The config check names file and line with it.
std::optional<std::string> blocked_pattern_problem(const std::string& pattern);

class value_policy {
 public:
  explicit value_policy(const identity_config& config);

  // An operator's block: for one kind, or for every kind when `kind` is empty.
  void block(std::optional<identifier_kind> kind, std::string value);

  // Why `value` (normalized) of `kind` may not link; nullopt when it may.
  [[nodiscard]] std::optional<std::string> blocked(identifier_kind kind, std::string_view value) const;

 private:
  std::set<std::string, std::less<>> configured_;
  // RE2: linear in the value's length and no recursion, whatever a provider sends (std::regex took
  // exponential time on `(a+)+$` and overflowed the stack on long values).
  std::vector<std::pair<std::string, std::shared_ptr<const re2::RE2>>> patterns_;
  std::set<std::pair<std::optional<identifier_kind>, std::string>> manual_;
};

}  // namespace personsync::identity
