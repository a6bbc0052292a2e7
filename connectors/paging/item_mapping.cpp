#include "connectors/paging/item_mapping.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "common/json/precise_parse.hpp"
#include "common/json/storable_text.hpp"
#include "connectors/paging/page_driver.hpp"

namespace personsync::paging {

void map_items(const boost::json::array& items, std::string_view source, const std::string& scope, item_mapper map,
               page_result& into) {
  const auto observed_at = std::chrono::system_clock::now();
  for (const boost::json::value& item : items) {
    auto mapped = map(item, scope, observed_at);
    if (auto* record = std::get_if<connectors::source_record>(&mapped)) {
      into.records.push_back(std::move(*record));
    } else {
      into.rejected.push_back(
          {std::string(source), scope, boost::json::serialize(item), std::get<std::string>(std::move(mapped)), observed_at});
    }
  }
}

boost::json::value parse_lookup_body(const net::http_response& response) {
  std::string text = response.body;
  json::make_storable(text);
  boost::system::error_code ec;
  boost::json::value body = json::parse_precise(text, ec);
  if (ec) {
    throw source_failed(source_failed::reason::provider_error,
                        fmt::format("a lookup returned a body that is not JSON: {}", ec.message()));
  }
  return body;
}

connectors::source_record map_lookup_item(const boost::json::value& item, const std::string& scope, item_mapper map) {
  auto mapped = map(item, scope, std::chrono::system_clock::now());
  if (auto* record = std::get_if<connectors::source_record>(&mapped)) return std::move(*record);
  throw source_failed(source_failed::reason::provider_error,
                      fmt::format("a lookup returned a record that breaks the contract: {}", std::get<std::string>(mapped)));
}

}  // namespace personsync::paging
