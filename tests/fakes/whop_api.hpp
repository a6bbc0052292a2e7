#pragma once
// The Whop People API as the seed describes it: Bearer auth, account_id,
// from/to over last_seen_at, first (1–101), offset, sort/direction, JSON
// filters, total_count; 400 and 401 with {"error":{"type","message"}}.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "tests/fakes/people_generator.hpp"
#include "tests/fakes/sim_server.hpp"

namespace personsync::fakes {

struct whop_api_options {
  std::string token = "sim-whop-token";
  std::string account_id = "biz_sim";
  bool require_account_id = false;  // the token spans several accounts
  // Which of the seed's `id` and `person_id` holds the person id (`prsn_…`): the docs do
  // not say. Real (Whop's current API confirms it): `id`. The other reading: `person_id`.
  bool id_is_person = true;
};

class whop_api {
 public:
  whop_api(std::vector<whop_person> people, whop_api_options options);

  // GET /people; `now` is the default `to`.
  sim_reply list_people(const sim_request& request, std::int64_t now);

  // Control between syncs: {"op":"add","person":{…}}, {"op":"update","id":…,"fields":{…}},
  // {"op":"change_email","id":…,"email":…}. Returns an error message, or "" when done.
  std::string control(const boost::json::object& command);

  // Every person as served, with its human: {"account_id", "people":[…], "humans":{id: human}}.
  [[nodiscard]] boost::json::object truth() const;
  // The item as this server serves it (id_is_person decides which field holds which id).
  [[nodiscard]] boost::json::object served(const whop_person& p) const;
  [[nodiscard]] const std::vector<whop_person>& people() const noexcept { return people_; }
  [[nodiscard]] const whop_api_options& options() const noexcept { return options_; }

 private:
  struct view_key {
    std::string sort, direction, filters;
    std::int64_t from = 0, to = 0;
    std::uint64_t version = 0;
    friend bool operator==(const view_key&, const view_key&) = default;
  };

  const std::string& serialized(std::size_t index);
  void changed();

  std::vector<whop_person> people_;
  std::vector<std::string> json_cache_;  // per person, "" until first served
  whop_api_options options_;
  std::uint64_t version_ = 0;
  std::optional<view_key> view_key_;     // the last listing's selection, reused by its next pages
  std::vector<std::uint32_t> view_;
};

// {"error":{"type":…,"message":…}} with the status.
sim_reply whop_error(int status, std::string_view type, std::string_view message);

}  // namespace personsync::fakes
