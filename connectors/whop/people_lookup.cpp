#include "connectors/whop/people_lookup.hpp"

#include "connectors/http/url.hpp"
#include "connectors/paging/item_mapping.hpp"
#include "connectors/whop/people_request.hpp"
#include "connectors/whop/whop_item.hpp"

namespace personsync::whop {

boost::asio::awaitable<std::optional<connectors::source_record>> people_lookup::retrieve(const std::string& id) {
  const paging::page_request request =
      people_request(cfg_, "/people/" + net::encode_path_segment(id), {}, 0, "people.retrieve");
  const paging::error_describer errors(&describe_whop_error);
  std::vector<int> not_found_is_an_answer{404};  // named: GCC 12 rejects a braced list inside co_await
  const net::http_response response = co_await driver_.fetch(request, errors, std::move(not_found_is_an_answer));
  if (response.status == 404) co_return std::nullopt;
  co_return paging::map_lookup_body(response, cfg_.scope(), &map_person);
}

boost::asio::awaitable<connectors::absence_verdict> people_lookup::confirm_absence(const std::string& source_key) {
  connectors::absence_verdict verdict;
  verdict.record = co_await retrieve(source_key);
  if (!verdict.record) {
    verdict.what = connectors::absence_verdict::kind::gone;
  } else if (verdict.record->source_key == source_key) {
    verdict.what = connectors::absence_verdict::kind::still_there;  // the sweep missed it
  } else {
    verdict.what = connectors::absence_verdict::kind::merged;  // Whop answered with the surviving profile
  }
  co_return verdict;
}

}  // namespace personsync::whop
