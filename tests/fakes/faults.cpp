#include "tests/fakes/faults.hpp"

#include <array>
#include <utility>

namespace personsync::fakes {
namespace {

constexpr std::array<std::pair<std::string_view, fault_kind>, 8> kinds{{
    {"status_429", fault_kind::status_429},
    {"status_500", fault_kind::status_500},
    {"status_502", fault_kind::status_502},
    {"status_503", fault_kind::status_503},
    {"slow", fault_kind::slow},
    {"close_mid_body", fault_kind::close_mid_body},
    {"malformed_json", fault_kind::malformed_json},
    {"wrong_types", fault_kind::wrong_types},
}};

}  // namespace

std::optional<fault_rule> parse_fault_rule(const boost::json::object& body, std::string& error) {
  const auto* kind = body.if_contains("kind");
  if (!kind || !kind->is_string()) {
    error = "kind is required";
    return std::nullopt;
  }
  fault_rule rule{};
  bool known = false;
  for (const auto& [name, k] : kinds) {
    if (name == kind->get_string()) {
      rule.kind = k;
      known = true;
    }
  }
  if (!known) {
    error = "unknown fault kind";
    return std::nullopt;
  }
  if (const auto* v = body.if_contains("count"); v && v->is_int64()) rule.count = static_cast<int>(v->get_int64());
  if (const auto* v = body.if_contains("rate"); v && v->is_number()) rule.rate = v->to_number<double>();
  if (const auto* v = body.if_contains("retry_after"); v && v->is_int64()) rule.retry_after = static_cast<int>(v->get_int64());
  if (const auto* v = body.if_contains("delay_ms"); v && v->is_int64()) rule.delay_ms = static_cast<int>(v->get_int64());
  if (const auto* v = body.if_contains("path_prefix"); v && v->is_string()) rule.path_prefix = v->get_string();
  if (rule.count <= 0 && rule.rate <= 0.0) {
    error = "give count > 0 or rate > 0";
    return std::nullopt;
  }
  return rule;
}

std::optional<fault_rule> fault_injector::pick(const std::string& path) {
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (!path.starts_with(it->path_prefix)) continue;
    if (it->count > 0) {
      fault_rule chosen = *it;
      if (--it->count == 0 && it->rate <= 0.0) rules_.erase(it);
      return chosen;
    }
    if (it->rate > 0.0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < it->rate) return *it;
  }
  return std::nullopt;
}

}  // namespace personsync::fakes
