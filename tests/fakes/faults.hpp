#pragma once
// Fault injection for the simulators, per request (the next N) or by rate.

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace personsync::fakes {

enum class fault_kind {
  status_429,      // Retry-After: retry_after seconds
  status_500,
  status_502,
  status_503,
  slow,            // the reply waits delay_ms (beyond the client's timeout, in tests)
  close_mid_body,  // half the body, then the connection closes
  malformed_json,  // 200 with a body that is not JSON
  wrong_types,     // 200 with page-level fields of the wrong type
};

struct fault_rule {
  fault_kind kind;
  int count = 0;       // the next `count` matching requests; 0: use `rate`
  double rate = 0.0;   // else this share of matching requests
  int retry_after = 1; // seconds, for status_429
  int delay_ms = 0;    // for slow
  std::string path_prefix = {};  // which requests it applies to; empty: every API request
};

// Parses {"kind": "status_503", "count": 2, ...}; nullopt with `error` set when invalid.
std::optional<fault_rule> parse_fault_rule(const boost::json::object& body, std::string& error);

class fault_injector {
 public:
  explicit fault_injector(std::uint64_t seed = 7) : rng_(seed) {}

  void add(fault_rule rule) { rules_.push_back(std::move(rule)); }
  void clear() { rules_.clear(); }
  // The fault to apply to a request on `path`, if any (a counted rule is used up by it).
  std::optional<fault_rule> pick(const std::string& path);

 private:
  std::vector<fault_rule> rules_;
  std::mt19937_64 rng_;
};

}  // namespace personsync::fakes
