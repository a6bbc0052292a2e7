#pragma once
// One item of the People API's `data` as a source_record, checked against the
// seed's contract: a missing required field or a wrong type rejects the item
// (with the reason), never the page.

#include <chrono>
#include <string>
#include <variant>

#include <boost/json/value.hpp>

#include "connectors/source_record.hpp"

namespace personsync::whop {

// A record, or the reason the item breaks the contract.
std::variant<connectors::source_record, std::string> map_person(const boost::json::value& item,
                                                                 const std::string& scope,
                                                                 std::chrono::system_clock::time_point observed_at);

}  // namespace personsync::whop
