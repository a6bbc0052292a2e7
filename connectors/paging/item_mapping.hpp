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

// A lookup's answer (one item as the whole body) as a record. A body that is not
// JSON or an item that breaks the contract fails the source: a lookup decides a
// delete, and a doubtful answer must not.
boost::json::value parse_lookup_body(const net::http_response& response);
connectors::source_record map_lookup_item(const boost::json::value& item, const std::string& scope, item_mapper map);
inline connectors::source_record map_lookup_body(const net::http_response& response, const std::string& scope,
                                                 item_mapper map) {
  return map_lookup_item(parse_lookup_body(response), scope, map);
}

}  // namespace personsync::paging
