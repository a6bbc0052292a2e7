#pragma once
// Seeded, realistic and adversarial people for the simulators. Humans come
// first; each provider's records are derived from them with the variations
// real data has (email case and padding, phone formats), and the generator
// remembers which records belong to which human: the ground truth tests
// compare against.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace personsync::fakes {

struct human {
  std::string id;            // "h000001"
  std::optional<std::string> name;
  std::optional<std::string> email;  // canonical: lowercase, trimmed
  std::optional<std::string> phone;  // canonical E.164
  std::string whop_user_id;  // their Whop `id`, also what the product identifies them by
};

struct ad_ref {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> thumbnail_url;
};

struct whop_person {
  std::string id;
  std::string person_id;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::int64_t first_seen_at = 0;
  std::int64_t last_seen_at = 0;
  std::int64_t purchase_count = 0;
  std::optional<bool> has_failed_payment;
  std::optional<double> ltv;
  std::optional<double> aov;
  std::vector<ad_ref> campaigns, ad_sets, ads;
  std::string human_id;  // ground truth; never served
};

struct posthog_person {
  std::int64_t id = 0;
  std::string uuid;
  std::vector<std::string> distinct_ids;
  boost::json::object properties;
  std::int64_t created_at = 0;  // unix seconds
  std::int64_t updated_at = 0;  // bumped by property changes, not by distinct-id changes
  std::string human_id;         // ground truth; never served
};

struct generator_options {
  std::uint64_t seed = 42;
  std::size_t whop_people = 1000;
  std::int64_t now = 0;              // unix seconds; 0: the current time
  double second_record_share = 0.1;  // humans with a second Whop record (other id, varied email/phone)
  std::size_t junk_email_people = 100;  // distinct humans whose records carry one shared junk email
  bool adversarial_text = true;      // unicode, emoji, quotes, backslashes, newlines, 10 KB names
  std::size_t posthog_persons = 0;   // PostHog persons: first from the Whop humans, then product-only humans
  double posthog_share = 0.8;        // of the Whop humans, how many PostHog knows
  std::int64_t posthog_project = 1;
};

inline constexpr std::string_view junk_email = "orders@shared-inbox.example";

struct generated_people {
  std::vector<human> humans;
  std::vector<whop_person> whop;
  std::vector<posthog_person> posthog;
};

generated_people generate_people(const generator_options& options);

// The item as the People API serves it.
boost::json::object to_json(const whop_person& p);
// The person as the Persons API serves it.
boost::json::object to_json(const posthog_person& p);

// A version-4-looking UUID from the generator's randomness.
std::string random_uuid(std::mt19937_64& rng);

// Same human, differently written: case and padding; phone formats.
std::string vary_email(const std::string& email, std::mt19937_64& rng);
std::string vary_phone(const std::string& e164, std::mt19937_64& rng);

}  // namespace personsync::fakes
