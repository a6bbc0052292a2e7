#pragma once
// One PostHog person as a source_record: key `uuid`, every distinct id an
// identifier, email and phone from the properties (also $email, $phone).

#include <chrono>
#include <string>
#include <variant>

#include <boost/json/value.hpp>

#include "connectors/source_record.hpp"

namespace personsync::posthog {

std::variant<connectors::source_record, std::string> map_person(const boost::json::value& item,
                                                                 const std::string& scope,
                                                                 std::chrono::system_clock::time_point observed_at);

}  // namespace personsync::posthog
