#include "daemon/identity/value_policy.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <re2/re2.h>

namespace personsync::identity {
namespace {

// PostHog refuses these as distinct ids (plugin-server `isDistinctIdIllegal`):
// generic ids that stem from a bug, not from a person. Matched without case here,
// also when quoted, and for every kind: "null" is no better an email or phone.
constexpr std::array<std::string_view, 15> builtin_values{
    "anonymous", "guest", "distinctid", "distinct_id", "id", "not_authenticated", "email", "undefined",
    "true", "false", "[object object]", "nan", "none", "null", "0"};

// Placeholder addresses typed into forms to get past them.
constexpr std::array<std::string_view, 8> builtin_emails{
    "test@test.com", "test@example.com", "email@example.com", "example@example.com",
    "noemail@noemail.com", "no@email.com", "none@none.com", "a@a.com"};

// Without logging a bad pattern on stderr: the config check reports it.
std::shared_ptr<const re2::RE2> compile_blocked_pattern(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return std::make_shared<const re2::RE2>(pattern, options);
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view unquoted(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

std::optional<std::string> blocked_pattern_problem(const std::string& pattern) {
  const auto compiled = compile_blocked_pattern(pattern);
  return compiled->ok() ? std::nullopt : std::optional(compiled->error());
}

value_policy::value_policy(const identity_config& config) {
  for (const std::string& v : config.blocked_values) configured_.insert(lowercase(v));
  for (const std::string& p : config.blocked_patterns) patterns_.emplace_back(p, compile_blocked_pattern(p));
}

void value_policy::block(std::optional<identifier_kind> kind, std::string value) {
  manual_.emplace(kind, std::move(value));
}

std::optional<std::string> value_policy::blocked(identifier_kind kind, std::string_view value) const {
  if (value.find_first_not_of(" \t\r\n") == std::string_view::npos) return "empty value";
  const std::string lower = lowercase(unquoted(value));
  if (std::find(builtin_values.begin(), builtin_values.end(), lower) != builtin_values.end()) {
    return "on the built-in list of junk values";
  }
  if ((kind == identifier_kind::email || kind == identifier_kind::email_loose) &&
      std::find(builtin_emails.begin(), builtin_emails.end(), lower) != builtin_emails.end()) {
    return "on the built-in list of placeholder emails";
  }
  if (configured_.contains(lower)) return "in identity.blocked_values";
  for (const auto& [text, pattern] : patterns_) {
    if (pattern->ok() && re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *pattern)) {
      return fmt::format("matches identity.blocked_patterns '{}'", text);
    }
  }
  const std::string owned(value);
  if (manual_.contains({kind, owned}) || manual_.contains({std::nullopt, owned})) return "blocked by an operator";
  return std::nullopt;
}

}  // namespace personsync::identity
