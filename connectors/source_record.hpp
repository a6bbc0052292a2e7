#pragma once
// What a connector hands on: one record per provider item, with the
// identifiers that may link it to others (raw: normalization belongs to
// identity) and the attributes the resolver and consumers need; or, for an
// item that breaks the provider's contract, a rejection with its raw JSON.

#include <chrono>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace personsync::connectors {

struct identifier {
  std::string kind;   // whop_user_id, whop_person_id, posthog_distinct_id, email, phone
  std::string value;  // as the provider sent it
  friend bool operator==(const identifier&, const identifier&) = default;
};

struct source_record {
  std::string source;      // "whop" or "posthog"
  std::string scope;       // Whop account id, PostHog project id
  std::string source_key;  // Whop `id`, PostHog `uuid`
  std::vector<identifier> identifiers;
  boost::json::object attributes;
  std::string payload;     // the item's JSON
  std::chrono::system_clock::time_point observed_at;
};

struct rejected_item {
  std::string source;
  std::string scope;
  std::string payload;  // the item's JSON, whatever it was
  std::string reason;   // which field broke which rule
  std::chrono::system_clock::time_point observed_at;
};

}  // namespace personsync::connectors
