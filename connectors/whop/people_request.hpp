#pragma once
// What every People API request and page has, whichever API shape: the URL
// under the configured base, the account, the bearer and the API version; an
// error body's type and message; a page body parsed or refused whole.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>

#include "connectors/http/http_types.hpp"
#include "connectors/paging/source_stream.hpp"
#include "connectors/whop/whop_config.hpp"

namespace personsync::whop {

using query_params = std::vector<std::pair<std::string, std::string>>;

// GET {base}/{path}?account_id=…&{params}, with the bearer and Api-Version-Date.
paging::page_request people_request(const whop_source_config& cfg, std::string_view path, const query_params& params,
                                    std::int64_t position, std::string_view endpoint);

// {"error":{"type","message"}} as "type: message".
std::string describe_whop_error(const net::http_response& response);

// The API a page shows by its own marker: `page_info` (cursor) or `total_count` without it
// (offset); nullopt when it shows neither (a broken page, retried as one).
std::optional<people_api> shown_api(const boost::json::object& body);

// The body as a JSON object in `memory` (dropped whole with the page); throws bad_page.
// `replaced` counts characters made storable (NUL, invalid UTF-8). A body showing the other
// API than `expected` (offset or cursor; `detect` accepts either) fails the source at once:
// a cursor server ignores offsets and answers every one with its first page, so a sweep in
// the wrong API would never end, and no retry can mend configuration.
const boost::json::object& parse_people_body(const net::http_response& response, boost::json::monotonic_resource& memory,
                                             boost::json::value& holder, std::size_t& replaced, people_api expected);

}  // namespace personsync::whop
