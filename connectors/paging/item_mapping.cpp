#include "connectors/paging/item_mapping.hpp"

#include <boost/json/serialize.hpp>

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

}  // namespace personsync::paging
