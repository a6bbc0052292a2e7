#pragma once
// Each identifier kind's rule, by kind, and the holder limit both the resolver and the
// resolution's area apply: one rule, where each had written its own.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "daemon/identity/identity_config.hpp"

namespace personsync::identity {

class kind_rules {
 public:
  // A kind the config does not name is disabled.
  explicit kind_rules(const identity_config& config);

  // An array read: the config's map is read per identifier in the resolver's loops.
  [[nodiscard]] const kind_rule& of(identifier_kind kind) const { return rules_[static_cast<std::size_t>(kind)]; }

  // The most records a value may join, held as the kinds `kind_of` gives for each of `holders`:
  // the smallest max_records among them (an address held as email and as email_loose is bounded
  // by the stricter).
  template <class Holders, class KindOf>
  [[nodiscard]] int holder_limit(const Holders& holders, KindOf kind_of) const {
    int limit = std::numeric_limits<int>::max();
    for (const auto& h : holders) limit = std::min(limit, of(kind_of(h)).max_records);
    return limit;
  }

  // A value held by more records than its limit is quarantined: it links none of them.
  [[nodiscard]] static bool quarantines(std::int64_t holders, int limit) { return holders > limit; }

 private:
  std::vector<kind_rule> rules_;
};

}  // namespace personsync::identity
