// Normalization of identifier values: emails, phone numbers in the numbering
// plans the project claims (cases follow libphonenumber's documented parsing
// of national and international forms), and the values that never link.

#include <gtest/gtest.h>

#include "daemon/identity/email.hpp"
#include "daemon/identity/normalize.hpp"
#include "daemon/identity/phone.hpp"
#include "daemon/identity/upstream_split.hpp"
#include "daemon/identity/value_policy.hpp"

namespace personsync::identity {
namespace {

TEST(Email, TrimmedAndLowercasedOrNotAnEmail) {
  EXPECT_EQ(normalize_email("  Ada.Lovelace@Example.COM \t"), "ada.lovelace@example.com");
  EXPECT_EQ(normalize_email("zoë@exämple.org"), "zoë@exämple.org");  // non-ASCII kept as is
  EXPECT_FALSE(normalize_email(""));
  EXPECT_FALSE(normalize_email("   "));
  EXPECT_FALSE(normalize_email("no-at-sign.example.com"));
  EXPECT_FALSE(normalize_email("two@@example.com"));
  EXPECT_FALSE(normalize_email("@example.com"));
  EXPECT_FALSE(normalize_email("user@localhost"));
  EXPECT_FALSE(normalize_email("user@example."));
  EXPECT_FALSE(normalize_email("with space@example.com"));
}

TEST(Email, LooseFormDropsTagsAndGmailDots) {
  EXPECT_EQ(loosen_email("first.last+news@gmail.com"), "firstlast@gmail.com");
  EXPECT_EQ(loosen_email("first.last@googlemail.com"), "firstlast@gmail.com");
  EXPECT_EQ(loosen_email("first.last+shop@example.com"), "first.last@example.com");
  EXPECT_EQ(loosen_email("+only@example.com"), "+only@example.com");
}

struct phone_case {
  const char* region;
  const char* raw;
  const char* e164;  // nullptr: not a phone number
};

void expect_phones(std::initializer_list<phone_case> cases) {
  for (const phone_case& c : cases) {
    const auto got = normalize_phone(c.raw, c.region);
    if (c.e164) {
      EXPECT_EQ(got, std::optional<std::string>(c.e164)) << c.region << " '" << c.raw << "'";
    } else {
      EXPECT_FALSE(got) << c.region << " '" << c.raw << "' gave " << got.value_or("");
    }
  }
}

TEST(Phone, NorthAmerica) {
  expect_phones({
      {"US", "(415) 555-0123", "+14155550123"},
      {"US", "415.555.0123", "+14155550123"},
      {"US", "4155550123", "+14155550123"},
      {"US", "1-415-555-0123", "+14155550123"},
      {"US", "+1 (415) 555-0123", "+14155550123"},
      {"US", "+1-415-555-0123", "+14155550123"},
      {"US", "001-415-555-0123", "+14155550123"},
      {"US", "011 44 20 7946 0958", "+442079460958"},
      {"US", "415-555-0123 ext. 42", "+14155550123"},
      {"US", "415-555-0123 x42", "+14155550123"},
      {"CA", "(604) 555-0199", "+16045550199"},
      {"GB", "+1 212 555 0100", "+12125550100"},
      {"US", "555-0123", nullptr},            // no area code
      {"US", "(015) 555-0123", nullptr},      // area codes start 2-9
      {"US", "(415) 155-0123", nullptr},      // exchanges start 2-9
      {"US", "41555501234", nullptr},         // 11 digits without the trunk 1
      {"US", "+1 415 555 01234", nullptr},
  });
}

TEST(Phone, UnitedKingdom) {
  expect_phones({
      {"GB", "020 7946 0958", "+442079460958"},
      {"GB", "07911 123456", "+447911123456"},
      {"GB", "+44 (0)20 7946 0958", "+442079460958"},
      {"GB", "+44 7911 123456", "+447911123456"},
      {"GB", "0044 7911 123456", "+447911123456"},
      {"GB", "01632 960983", "+441632960983"},
      {"GB", "020 7946", nullptr},
      {"GB", "+44 7911 1234567", nullptr},
  });
}

TEST(Phone, Germany) {
  expect_phones({
      {"DE", "030 1234567", "+49301234567"},
      {"DE", "030/12345678", "+493012345678"},
      {"DE", "0151 23456789", "+4915123456789"},
      {"DE", "+49 (0)30 1234567", "+49301234567"},
      {"DE", "+49 151 23456789", "+4915123456789"},
      {"DE", "030 12", nullptr},
      {"DE", "+49 12345678901234", nullptr},
  });
}

TEST(Phone, France) {
  expect_phones({
      {"FR", "01 23 45 67 89", "+33123456789"},
      {"FR", "06.12.34.56.78", "+33612345678"},
      {"FR", "+33 6 12 34 56 78", "+33612345678"},
      {"FR", "+33 (0)6 12 34 56 78", "+33612345678"},
      {"FR", "06 12 34 56 7", nullptr},
      {"FR", "+33 6 12 34 56 789", nullptr},
  });
}

TEST(Phone, India) {
  expect_phones({
      {"IN", "098765 43210", "+919876543210"},
      {"IN", "98765 43210", "+919876543210"},
      {"IN", "+91 98765 43210", "+919876543210"},
      {"IN", "+91-80-2345-6789", "+918023456789"},
      {"IN", "98765 4321", nullptr},
      {"IN", "+91 98765 432101", nullptr},
  });
}

TEST(Phone, Brazil) {
  expect_phones({
      {"BR", "(11) 91234-5678", "+5511912345678"},
      {"BR", "(21) 2345-6789", "+552123456789"},
      {"BR", "0 11 91234-5678", "+5511912345678"},
      {"BR", "0 41 11 91234-5678", "+5511912345678"},  // long distance with carrier code 41
      {"BR", "+55 11 91234-5678", "+5511912345678"},
      {"BR", "(11) 81234-5678", nullptr},  // 11 digits are mobiles, which start with 9
      {"BR", "(01) 2345-6789", nullptr},   // area codes have no zero
      {"BR", "1234-5678", nullptr},        // no area code
  });
}

TEST(Phone, OtherCountriesOnlyInInternationalForm) {
  expect_phones({
      {"US", "+81 3-1234-5678", "+81312345678"},
      {"DE", "0081 3 1234 5678", "+81312345678"},
      {"US", "+123", nullptr},
      {"US", "+1234567890123456", nullptr},  // longer than E.164 allows
      {"US", "call me", nullptr},
      {"US", "", nullptr},
      {"US", "415-555-0123 or 415-555-0124", nullptr},
  });
  EXPECT_FALSE(normalize_phone("03-1234-5678", "JP"));  // national forms only where the plan is known
}

TEST(Normalize, KindsAndSharedSpaces) {
  identity_config config = identity_config::defaults();
  config.kinds[identifier_kind::email_loose].enabled = true;
  std::vector<identifier_value> out;
  normalize_identifier("email", " First.Last+x@GMail.com ", config, out);
  normalize_identifier("phone", "(415) 555-0123", config, out);
  normalize_identifier("phone", "not a phone", config, out);
  normalize_identifier("posthog_distinct_id", " user_ABC ", config, out);
  normalize_identifier("unknown_kind", "x", config, out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], (identifier_value{identifier_kind::email_loose, "firstlast@gmail.com"}));
  EXPECT_EQ(out[1], (identifier_value{identifier_kind::email, "first.last+x@gmail.com"}));
  EXPECT_EQ(out[2], (identifier_value{identifier_kind::phone, "+14155550123"}));
  EXPECT_EQ(out[3], (identifier_value{identifier_kind::posthog_distinct_id, "user_ABC"}));  // ids keep their case
  EXPECT_TRUE(same_space(identifier_kind::whop_user_id, identifier_kind::posthog_distinct_id));
  EXPECT_FALSE(same_space(identifier_kind::email, identifier_kind::email_loose));
}

TEST(ValuePolicy, JunkNeverLinks) {
  identity_config config;
  config.blocked_values = {"Orders@Shop.Example"};
  config.blocked_patterns = {".*@mailinator\\.com"};
  value_policy policy(config);
  for (const char* junk : {"", "  ", "null", "NULL", "undefined", "anonymous", "0", "[object Object]", "NaN",
                           "\"undefined\"", "'null'", "distinct_id", "not_authenticated", "guest", "true", "false"}) {
    EXPECT_TRUE(policy.blocked(identifier_kind::posthog_distinct_id, junk)) << junk;
  }
  EXPECT_TRUE(policy.blocked(identifier_kind::email, "test@test.com"));
  EXPECT_TRUE(policy.blocked(identifier_kind::email, "orders@shop.example"));
  EXPECT_TRUE(policy.blocked(identifier_kind::email, "someone@mailinator.com"));
  EXPECT_FALSE(policy.blocked(identifier_kind::email, "ada@example.com"));
  EXPECT_FALSE(policy.blocked(identifier_kind::posthog_distinct_id, "user_123"));

  policy.block(identifier_kind::phone, "+14155550123");
  policy.block(std::nullopt, "shared-device");
  EXPECT_EQ(policy.blocked(identifier_kind::phone, "+14155550123"), "blocked by an operator");
  EXPECT_FALSE(policy.blocked(identifier_kind::whop_user_id, "+14155550123"));
  EXPECT_TRUE(policy.blocked(identifier_kind::posthog_distinct_id, "shared-device"));
}

// A hostile provider value against a pattern that backtracks exponentially in a backtracking engine
// ((a+)+$ on "aaa…ab": 2^n paths), and a megabyte-long value that overflowed std::regex's recursion:
// RE2 matches both in time linear in the value. A pattern RE2 cannot express is named, not matched.
TEST(ValuePolicy, PatternsMatchHostileValuesInLinearTime) {
  identity_config config;
  config.blocked_patterns = {"(a+)+$", "(x|y)*z"};
  const value_policy policy(config);
  EXPECT_FALSE(policy.blocked(identifier_kind::posthog_distinct_id, std::string(64, 'a') + "b"));
  EXPECT_TRUE(policy.blocked(identifier_kind::posthog_distinct_id, std::string(64, 'a')));
  EXPECT_FALSE(policy.blocked(identifier_kind::posthog_distinct_id, std::string(1 << 20, 'x')));
  EXPECT_TRUE(policy.blocked(identifier_kind::posthog_distinct_id, std::string(1 << 20, 'y') + "z"));
  EXPECT_FALSE(blocked_pattern_problem(".*@mailinator\\.com"));
  EXPECT_TRUE(blocked_pattern_problem("(a)\\1")) << "a backreference";
  EXPECT_TRUE(blocked_pattern_problem("foo(?=bar)")) << "a lookahead";
}

TEST(UpstreamSplit, PostHogsUuidForASplitOffPerson) {
  // uuid.uuid5(uuid.UUID("932979b4-65c3-4424-8467-0b66ec27bc22"), "1:anon-1") in Python.
  EXPECT_EQ(posthog_split_uuid("1", "anon-1"), "cfa956a0-5af4-51c6-9ef5-cb3c80e09b69");
  const auto offs = split_offs("1", {"main", "anon-1", "anon-2"}, {"main"});
  ASSERT_EQ(offs.size(), 2u);
  EXPECT_EQ(offs[0].distinct_id, "anon-1");
  EXPECT_EQ(offs[1].uuid, posthog_split_uuid("1", "anon-2"));
}

}  // namespace
}  // namespace personsync::identity
