#pragma once
// PostHog's Persons API as the real server behaves (docs/design.md, "Provider
// facts"): list ordered created_at DESC, id DESC; `next` only after a full
// page; short pages while more exist (ghost rows that fail to hydrate);
// `count` the page length unless include_total; updated_after blind to
// distinct-id-only changes and deletes; merges, deletes, asynchronous split
// (uuid5 split-offs) and writes (202); per-key throttles answering 429 with
// Retry-After; persons created and deleted during a sweep.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "tests/fakes/people_generator.hpp"
#include "tests/fakes/sim_server.hpp"

namespace personsync::fakes {

struct posthog_api_options {
  std::vector<std::string> tokens{"sim-posthog-token"};  // personal API keys, each with its own throttle
  std::int64_t project_id = 1;
  std::string rate_limit = "240/min, 1200/hour";  // per key; "none" for benchmarks
  double ghost_share = 0.0;          // index rows that never hydrate (short pages with `next` set)
  int split_delay_requests = 2;      // a split applies after this many more API requests
  int write_delay_requests = 1;      // PATCH, update_property, delete_property likewise
  int churn_every = 0;               // every N list requests …
  int churn_create = 0;              // … this many new persons appear
  int churn_delete = 0;              // … this many vanish
  int churn_merge = 0;               // … this many pairs of one human's persons merge (an identify call)
  int churn_split = 0;               // … this many persons with several distinct ids split (at once)
  std::string next_origin_override;  // serve `next` links on this origin (a hostile server)
  // The real server's list quirks (docs/design.md, "Provider facts"), each switchable to the seed's shape (seed_shape()).
  bool list_integer_ids = false;     // the seed: list items carry the integer `id`; real: the uuid, as actors
  bool reorder_page_rows = true;     // real: a page's rows re-ordered created_at DESC, uuid ASC after hydration
  std::string count_mode = "absent";  // absent (real: only with include_total), page_length, total (the seed)
  bool stale_previous = true;        // real: `previous` can point at a stale offset
  bool delete_property_201 = true;   // real: delete_property answers 201 {"success":true}; the seed: 202
  std::uint64_t seed = 11;
};

// The seed's reading of the list: integer ids, rows in index order, `count` the total.
posthog_api_options seed_shape(posthog_api_options options);

// The person as the real list serializes it: an actor whose `id` is the uuid.
boost::json::object list_item_json(const posthog_person& p);

class posthog_api {
 public:
  posthog_api(std::vector<posthog_person> persons, posthog_api_options options);

  // Everything under /api/projects/.
  sim_reply handle(const sim_request& request, double now_ms);

  // Control between syncs: merge, split, delete, add, update. "" when done.
  std::string control(const boost::json::object& command);
  std::string settings(const boost::json::object& changes);

  [[nodiscard]] boost::json::object truth() const;
  // The person as this server's list serves it (list_integer_ids decides the shape).
  [[nodiscard]] boost::json::object served(const posthog_person& p) const {
    return options_.list_integer_ids ? to_json(p) : list_item_json(p);
  }
  [[nodiscard]] std::vector<const posthog_person*> live() const;
  [[nodiscard]] const posthog_api_options& options() const noexcept { return options_; }

 private:
  struct index_row {
    std::int64_t created_at;
    std::int64_t id;
    std::int64_t person;  // into persons_; -1 for a ghost row
  };
  // The list's order, created_at DESC, id DESC: a total order, so offsets are well defined.
  static bool index_before(const index_row& a, const index_row& b);
  struct pending_write {
    int requests_left;
    std::string kind;  // split, patch, update_property, delete_property
    std::int64_t person;
    boost::json::object args;
  };

  sim_reply list(const sim_request& request, const std::string& host);
  sim_reply retrieve(const std::string& id);
  sim_reply write(const sim_request& request, const std::string& id, const std::string& action);
  std::optional<sim_reply> throttle(std::size_t key, double now_ms);

  std::int64_t find(const std::string& id_or_uuid) const;  // -1 when absent; O(1)
  std::int64_t add(posthog_person p);
  std::int64_t add_unindexed(posthog_person p);  // add() without its index row
  void remove(std::int64_t person);
  void merge(std::int64_t keep, std::int64_t vanish);
  void split(std::int64_t person, const std::optional<std::string>& main_distinct_id);
  void apply_due_writes();
  void churn();
  std::int64_t random_live_person();  // -1 when none
  void churn_one_merge();             // two live persons of one human, from a random place; O(persons)
  void churn_one_split();             // a live person with several distinct ids, from a random place
  void insert_row(const index_row& row);

  std::vector<posthog_person> persons_;
  std::vector<bool> alive_;
  std::vector<index_row> index_;  // created_at DESC, id DESC
  std::unordered_map<std::string, std::int64_t> by_distinct_id_;
  std::unordered_map<std::string, std::int64_t> by_uuid_;   // live persons only
  std::unordered_map<std::int64_t, std::int64_t> by_id_;    // live persons only
  std::deque<pending_write> pending_;
  posthog_api_options options_;
  std::vector<std::pair<std::size_t, std::chrono::milliseconds>> limits_;  // (requests, window)
  std::map<std::size_t, std::deque<double>> key_log_;  // per key: request times (ms) still in a window
  std::mt19937_64 rng_;
  std::int64_t next_id_ = 1;
  std::uint64_t list_requests_ = 0;
};

}  // namespace personsync::fakes
