#include "tests/support/landing_truth.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "common/json/precise_parse.hpp"

namespace personsync::testing {

std::map<std::string, boost::json::value> landed(soci::session& db, const std::string& provider) {
  std::map<std::string, boost::json::value> out;
  soci::rowset<soci::row> rows = (db.prepare <<
      "SELECT source_key, payload::text FROM personsync.source_records WHERE source = :s AND deleted_at IS NULL",
      soci::use(provider));
  boost::system::error_code ec;
  for (const auto& r : rows) out[r.get<std::string>(0)] = json::parse_precise(r.get<std::string>(1), ec);
  return out;
}

std::map<std::string, boost::json::value> landed(const scratch_database& db, const std::string& provider) {
  return landed(*db.session(), provider);
}

std::map<std::string, boost::json::value> whop_truth(sim_fixture& sim) {
  std::map<std::string, boost::json::value> out;
  sim.with_sim([&](fakes::simulator& s) {
    for (const auto& p : s.whop().people()) out[p.person_id] = s.whop().served(p);
  });
  return out;
}

std::map<std::string, boost::json::value> posthog_truth(sim_fixture& sim) {
  std::map<std::string, boost::json::value> out;
  sim.with_sim([&](fakes::simulator& s) {
    for (const auto* p : s.posthog().live()) out[p->uuid] = s.posthog().served(*p);
  });
  return out;
}

// jsonb normalises number spelling (0.0 comes back as 0) and key order.
bool same_value(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
  if (a.is_object() && b.is_object()) {
    if (a.get_object().size() != b.get_object().size()) return false;
    for (const auto& [k, v] : a.get_object()) {
      const auto* other = b.get_object().if_contains(k);
      if (!other || !same_value(v, *other)) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.get_array().size() != b.get_array().size()) return false;
    for (std::size_t i = 0; i < a.get_array().size(); ++i) {
      if (!same_value(a.get_array()[i], b.get_array()[i])) return false;
    }
    return true;
  }
  return a == b;
}

landing_differences differences(const std::map<std::string, boost::json::value>& actual,
                                const std::map<std::string, boost::json::value>& truth) {
  landing_differences out;
  for (const auto& [key, value] : truth) {
    const auto it = actual.find(key);
    if (it == actual.end()) {
      ++out.missing;
    } else if (!same_value(it->second, value)) {
      ++out.different;
    }
  }
  for (const auto& [key, value] : actual) out.extra += truth.contains(key) ? 0 : 1;
  return out;
}

void expect_same(const std::map<std::string, boost::json::value>& actual,
                 const std::map<std::string, boost::json::value>& truth) {
  ASSERT_EQ(actual.size(), truth.size());
  for (const auto& [key, value] : truth) {
    const auto it = actual.find(key);
    ASSERT_NE(it, actual.end()) << key << " was not landed";
    EXPECT_TRUE(same_value(it->second, value)) << key << ": landed " << it->second << ", truth " << value;
  }
}

}  // namespace personsync::testing
