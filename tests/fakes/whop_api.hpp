#pragma once
// Whop's People API, in two shapes (docs/design.md, "Provider facts"):
//  - cursor (the default): Whop's current API. `first` (1–100), `after`, `order`,
//    `direction`, filters as query parameters, `Api-Version-Date` required;
//    {"data":[…],"page_info":{"end_cursor","has_next_page"}}, items with `id` = prsn_…
//    and a `user` object, times as ISO 8601.
//  - offset: the seed's contract. account_id, from/to over last_seen_at, first
//    (1–101), offset, sort/direction, JSON filters, total_count.
// Both: Bearer auth, GET /people/{id} by person id, user id, email or phone
// (a merged person answers with its survivor), 400/401/404 with
// {"error":{"type","message"}}, people added, updated, deleted and merged
// while a sweep runs (churn), a server clock that may run ahead.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "tests/fakes/people_generator.hpp"
#include "tests/fakes/sim_server.hpp"

namespace personsync::fakes {

struct whop_api_options {
  std::string token = "sim-whop-token";
  std::string account_id = "biz_sim";
  bool require_account_id = false;  // the token spans several accounts
  std::string api = "cursor";       // cursor (Whop's current API) or offset (the seed's)
  // Which of the offset API's `id` and `person_id` holds the person id (`prsn_…`): the seed
  // does not say. Real (Whop's current API confirms it): `id`. The other reading: `person_id`.
  // The settings key `id_reading` names it: "id_is_person" (true) or "id_is_user" (false).
  bool id_is_person = true;
  // The offset API announces this raw JSON value as total_count instead of the truth (150, -5,
  // 1e12, "abc"): a total is a hint, never where a sweep ends. Null: the truth.
  boost::json::value total_count_override = nullptr;
  int churn_every = 0;   // every N list requests (either API) …
  int churn_update = 0;  // … this many people are active (last_seen_at = now): offsets by last_seen_at shift
  int churn_add = 0;     // … this many new people appear
  int churn_delete = 0;  // … this many vanish
  int churn_merge = 0;   // … this many pairs merge (one vanishes; retrieving it answers the survivor)
  std::int64_t clock_offset_seconds = 0;  // the server's clock runs this far ahead (Date header, `now`)
  std::uint64_t seed = 13;                // churn's randomness
};

class whop_api {
 public:
  whop_api(std::vector<whop_person> people, whop_api_options options);

  // GET /people; `real_now` is the machine's clock (the server adds clock_offset_seconds).
  sim_reply list_people(const sim_request& request, std::int64_t real_now);
  // GET /people/{id}: a person id, user id, email or phone.
  sim_reply retrieve_person(const sim_request& request, const std::string& id);

  // Control between syncs: {"op":"add","person":{…}}, {"op":"update","id":…,"fields":{…}},
  // {"op":"change_email","id":…,"email":…}, {"op":"delete","id":…},
  // {"op":"merge","keep":…,"vanish":…}; ids are user or person ids. "" when done, else the error.
  std::string control(const boost::json::object& command);
  // Changes options: api, id_reading, id_is_person, total_count_override, churn_*,
  // clock_offset_seconds, require_account_id. "" when done, else the error.
  std::string settings(const boost::json::object& changes);

  // {"account_id", "people":[served items], "humans":{user id and person id: human},
  //  "humans_by_person":{person id: human}, "user_ids":{person id: user id},
  //  "merged":{vanished person id: surviving person id}}; live people only.
  [[nodiscard]] boost::json::object truth() const;
  // The item as this server's list serves it (api and id_is_person decide the shape).
  [[nodiscard]] boost::json::object served(const whop_person& p) const;
  // Live people only: deleted and merged-away people are gone.
  [[nodiscard]] const std::vector<whop_person>& people() const noexcept { return people_; }
  [[nodiscard]] const whop_api_options& options() const noexcept { return options_; }
  // The server's clock, unix seconds.
  [[nodiscard]] std::int64_t now() const;

 private:
  struct lookup {  // rebuilt lazily once per data version
    std::unordered_map<std::string, std::uint32_t> by_id;       // user id, person id
    std::unordered_map<std::string, std::uint32_t> by_contact;  // normalized email, phone digits
    std::unordered_map<std::string, std::vector<std::uint32_t>> by_human;
  };

  sim_reply list_offset(const sim_request& request, std::int64_t now);
  sim_reply list_cursor(const sim_request& request);
  std::optional<sim_reply> refuse(const sim_request& request) const;  // auth, account, version header

  const std::string& serialized(std::size_t index);
  // The sorted selection for `key`, computed once per data version and reused by its pages.
  template <typename Build>
  const std::vector<std::uint32_t>& view(const std::string& key, Build build);
  const lookup& index();
  std::optional<std::uint32_t> find(const std::string& id);  // live people, by any id
  std::string resolve_merged(std::string person_id) const;    // follows merges to the survivor
  void changed();  // people came or went: indices moved, the lookup is rebuilt when next needed
  // people_[index] was edited in place (before: as it was): the lookup follows the edit.
  void contacts_changed(std::uint32_t index, const whop_person& before);
  void forget_cache(std::uint32_t index) { json_cache_[index].clear(); }
  void erase(std::uint32_t index);
  void merge(std::uint32_t keep, std::uint32_t vanish);
  void churn(std::int64_t now);
  void churn_one_merge(std::uint32_t start);

  std::vector<whop_person> people_;
  std::vector<std::string> json_cache_;  // per person, "" until first served
  whop_api_options options_;
  std::uint64_t version_ = 0;
  std::uint64_t views_version_ = 0;
  std::unordered_map<std::string, std::vector<std::uint32_t>> views_;
  std::optional<lookup> lookup_;
  std::unordered_map<std::string, std::string> merged_into_;  // vanished person id → person id it merged into
  std::mt19937_64 rng_;
  std::uint64_t list_requests_ = 0;
  std::uint64_t churn_serial_ = 0;
};

// {"error":{"type":…,"message":…}} with the status.
sim_reply whop_error(int status, std::string_view type, std::string_view message);

}  // namespace personsync::fakes
