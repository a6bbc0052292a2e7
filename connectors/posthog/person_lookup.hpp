#pragma once
// Asking PostHog about one person: a refresh by id, and the confirmation that
// a person missing from a complete sweep is really gone. Absence from one
// sweep proves nothing (deletes during the sweep shift offsets, so a row can be
// skipped): a retrieve decides. 404 and no other person holding its distinct
// ids: gone. Another person holding them: merged into that person.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "connectors/absence_verdict.hpp"
#include "connectors/paging/page_driver.hpp"
#include "connectors/posthog/posthog_config.hpp"

namespace personsync::posthog {

struct missing_person {
  std::string uuid;                       // the retrieve path: PostHog accepts the uuid as well as the integer
  std::vector<std::string> distinct_ids;  // as last landed
};

class person_lookup {
 public:
  person_lookup(const posthog_source_config& cfg, paging::page_driver& driver) : cfg_(cfg), driver_(driver) {}

  // GET /persons/:id/ with the integer id or the uuid — nullopt when PostHog answers 404.
  boost::asio::awaitable<std::optional<connectors::source_record>> retrieve(std::string id_or_uuid);
  // GET /persons/?distinct_id=… — the person holding the id now, if any.
  boost::asio::awaitable<std::optional<connectors::source_record>> by_distinct_id(const std::string& distinct_id);

  boost::asio::awaitable<connectors::absence_verdict> confirm_absence(const missing_person& person);

 private:
  const posthog_source_config& cfg_;
  paging::page_driver& driver_;
};

}  // namespace personsync::posthog
