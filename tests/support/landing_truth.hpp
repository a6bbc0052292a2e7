#pragma once
// The landing against the simulators' truth, for end-to-end tests: what each
// source has live in source_records, what the simulators serve, and a
// comparison that ignores what jsonb normalizes (number spelling, key order).

#include <map>
#include <string>

#include <boost/json.hpp>
#include <soci/soci.h>

#include "tests/support/sim_fixture.hpp"
#include "tests/support/test_cluster.hpp"

namespace personsync::testing {

// source_key -> payload, for one provider's live records.
std::map<std::string, boost::json::value> landed(soci::session& db, const std::string& provider);
std::map<std::string, boost::json::value> landed(const scratch_database& db, const std::string& provider);
// person id -> the item Whop serves; uuid -> the person PostHog serves.
std::map<std::string, boost::json::value> whop_truth(sim_fixture& sim);
std::map<std::string, boost::json::value> posthog_truth(sim_fixture& sim);
// Equal JSON values, numbers compared as numbers and objects without regard to key order.
bool same_value(const boost::json::value& a, const boost::json::value& b);
// How far a landing is from the truth: keys missing, keys not in the truth, values that differ.
struct landing_differences {
  std::size_t missing = 0, extra = 0, different = 0;
  [[nodiscard]] bool none() const { return missing == 0 && extra == 0 && different == 0; }
};
landing_differences differences(const std::map<std::string, boost::json::value>& actual,
                                const std::map<std::string, boost::json::value>& truth);
// gtest assertions: the same keys, each with the same value.
void expect_same(const std::map<std::string, boost::json::value>& actual,
                 const std::map<std::string, boost::json::value>& truth);

}  // namespace personsync::testing
