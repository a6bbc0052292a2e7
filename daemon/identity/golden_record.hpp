#pragma once
// A person's golden record from its live records (docs/design.md, "Golden record"):
// first_seen min, last_seen max, ltv and purchase_count summed over Whop
// records, aov = ltv ÷ purchase_count, has_failed_payment any; name, email and
// phone from the most trusted source (Whop: what a customer typed at checkout),
// then the most recent record, then the smallest key; PostHog properties merged
// key by key, the most recent record winning; attribution the union of the Whop
// records' campaigns, ad sets and ads under the source they came from
// ({"whop": {"campaigns": […], "ad_sets": […], "ads": […]}}).
//
// Computed here rather than in SQL: a full resolution publishes half a million
// persons, and one pass over records already in memory is several times faster
// than the server's join, sort and aggregate over them. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "daemon/identity/resolver.hpp"

namespace personsync::identity {

// What a landed record contributes to its person, beside its identifiers (times in unix microseconds).
struct record_facts {
  std::optional<std::string> name;
  std::optional<double> ltv;
  std::optional<std::int64_t> purchase_count;
  std::optional<bool> has_failed_payment;
  std::optional<std::int64_t> first_seen;  // provider's first seen, else its created at
  std::optional<std::int64_t> last_seen;   // provider's last seen, else its created at
  std::int64_t recency = 0;                // provider's last seen, else when it last changed here
  std::optional<std::string> properties;   // a JSON object (PostHog), as text
  std::optional<std::string> attribution;  // {"campaigns": […], …} (Whop), as text
};

struct golden_record {
  std::optional<std::string> name, email, phone;
  std::optional<std::int64_t> first_seen, last_seen;
  std::optional<double> ltv, aov;
  std::optional<std::int64_t> purchase_count;
  std::optional<bool> has_failed_payment;
  std::optional<std::string> properties, attribution;  // JSON text
  std::int64_t record_count = 0;
};

// `members`: indices of the person's records into `records` and `facts` (which run in parallel).
// The members' texts are moved out of `facts` (a record is in one person only): a full
// resolution would otherwise hold half a million persons' properties twice.
golden_record golden_of(std::span<const std::size_t> members, std::span<const record_evidence> records,
                        std::span<record_facts> facts);

}  // namespace personsync::identity
