// The holder limit, the one rule by which the resolver quarantines a value and the
// resolution's area stops following one.

#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/identity/kind_rules.hpp"

namespace personsync::identity {
namespace {

TEST(KindRules, AValueHeldAsSeveralKindsIsBoundedByTheStricterAndBeyondItQuarantined) {
  identity_config config = identity_config::defaults();
  config.kinds[identifier_kind::email].max_records = 20;
  config.kinds[identifier_kind::email_loose].max_records = 5;
  const kind_rules rules(config);
  const std::vector<identifier_kind> as_email{identifier_kind::email, identifier_kind::email};
  const std::vector<identifier_kind> as_both{identifier_kind::email, identifier_kind::email_loose};
  const auto kind = [](identifier_kind k) { return k; };
  EXPECT_EQ(rules.holder_limit(as_email, kind), 20);
  EXPECT_EQ(rules.holder_limit(as_both, kind), 5);
  EXPECT_FALSE(kind_rules::quarantines(5, 5)) << "at the limit: still linked";
  EXPECT_TRUE(kind_rules::quarantines(6, 5));
  EXPECT_EQ(rules.of(identifier_kind::email).max_records, 20);
}

TEST(KindRules, AKindTheConfigLeavesOutIsDisabled) {
  identity_config config = identity_config::defaults();
  config.kinds.erase(identifier_kind::phone);
  const kind_rules rules(config);
  EXPECT_FALSE(rules.of(identifier_kind::phone).enabled);
  EXPECT_TRUE(rules.of(identifier_kind::email).enabled);
}

}  // namespace
}  // namespace personsync::identity
