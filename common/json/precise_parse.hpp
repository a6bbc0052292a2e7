#pragma once
// JSON parsing whose floating-point numbers are exact. Boost.JSON 1.81's parser
// may be one unit in the last place off (its precise mode arrived in 1.83), and
// a provider's 100.84342357161341 must land as exactly that double.

#include <string_view>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

namespace personsync::json {

// `storage`: where the DOM lives (a monotonic_resource for a page parsed, read and
// dropped: one allocation per block instead of one per value).
boost::json::value parse_precise(std::string_view text, boost::system::error_code& ec,
                                 boost::json::storage_ptr storage = {});

}  // namespace personsync::json
