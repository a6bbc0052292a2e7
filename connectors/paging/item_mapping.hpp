#pragma once
// A page's items, each to a record or to a rejection with its raw JSON: an item
// that breaks the contract never stops the rest of the page.

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/array.hpp>

#include "connectors/paging/source_stream.hpp"

namespace personsync::paging {

// A provider's mapping of one item: the record, or why the item breaks the contract.
using item_mapper = std::variant<connectors::source_record, std::string> (*)(
    const boost::json::value& item, const std::string& scope, std::chrono::system_clock::time_point observed_at);

void map_items(const boost::json::array& items, std::string_view source, const std::string& scope, item_mapper map,
               page_result& into);

}  // namespace personsync::paging
