#pragma once
// Asking Whop's current People API about one person: GET /people/{id}, which
// takes a person id, user id, email or phone, and answers a merged person with
// the surviving profile. It decides what a complete sweep's absence means:
// 404 gone, another profile merged into it, the same one skipped by the sweep.
// The seed's offset API has no retrieve: there, absence is judged by sweeps.

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "connectors/absence_verdict.hpp"
#include "connectors/paging/page_driver.hpp"
#include "connectors/whop/whop_config.hpp"

namespace personsync::whop {

class people_lookup {
 public:
  people_lookup(const whop_source_config& cfg, paging::page_driver& driver) : cfg_(cfg), driver_(driver) {}

  // nullopt when Whop answers 404.
  boost::asio::awaitable<std::optional<connectors::source_record>> retrieve(const std::string& id);

  boost::asio::awaitable<connectors::absence_verdict> confirm_absence(const std::string& source_key);

 private:
  const whop_source_config& cfg_;
  paging::page_driver& driver_;
};

}  // namespace personsync::whop
