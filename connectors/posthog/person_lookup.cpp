#include "connectors/posthog/person_lookup.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "connectors/http/url.hpp"
#include "connectors/paging/item_mapping.hpp"
#include "connectors/posthog/person_item.hpp"
#include "connectors/posthog/persons_stream.hpp"

namespace personsync::posthog {

boost::asio::awaitable<std::optional<connectors::source_record>> person_lookup::retrieve(std::string id_or_uuid) {
  paging::page_request request;
  request.http.url = cfg_.persons_url() + net::encode_path_segment(id_or_uuid) + "/";
  request.endpoint = "persons.retrieve";
  request.http.bearer = cfg_.source.token ? &*cfg_.source.token : nullptr;
  const paging::error_describer errors(&describe_posthog_error);
  std::vector<int> not_found_is_an_answer{404};  // named: GCC 12 rejects a braced list inside co_await
  const net::http_response response = co_await driver_.fetch(request, errors, std::move(not_found_is_an_answer));
  if (response.status == 404) co_return std::nullopt;
  co_return paging::map_lookup_body(response, cfg_.scope(), &map_person);
}

boost::asio::awaitable<std::optional<connectors::source_record>> person_lookup::by_distinct_id(
    const std::string& distinct_id) {
  paging::page_request request;
  request.http.url = cfg_.persons_url() + "?" + net::encode_query({{"distinct_id", distinct_id}});
  request.endpoint = "persons.by_distinct_id";
  request.http.bearer = cfg_.source.token ? &*cfg_.source.token : nullptr;
  const paging::error_describer errors(&describe_posthog_error);
  const net::http_response response = co_await driver_.fetch(request, errors);
  const boost::json::value body = paging::parse_lookup_body(response);
  const auto* results = body.is_object() ? body.get_object().if_contains("results") : nullptr;
  if (!results || !results->is_array() || results->get_array().empty()) co_return std::nullopt;
  co_return paging::map_lookup_item(results->get_array().front(), cfg_.scope(), &map_person);
}

boost::asio::awaitable<connectors::absence_verdict> person_lookup::confirm_absence(const missing_person& person) {
  connectors::absence_verdict verdict;
  std::optional<connectors::source_record> found = co_await retrieve(person.uuid);
  if (found && found->source_key == person.uuid) {
    verdict.what = connectors::absence_verdict::kind::still_there;  // the sweep skipped it (offsets shifted)
    verdict.record = std::move(found);
    co_return verdict;
  }
  // Gone by id: did another person take its distinct ids (a merge)?
  for (const std::string& distinct_id : person.distinct_ids) {
    std::optional<connectors::source_record> holder = co_await by_distinct_id(distinct_id);
    if (holder && holder->source_key != person.uuid) {
      verdict.what = connectors::absence_verdict::kind::merged;
      verdict.record = std::move(holder);
      co_return verdict;
    }
  }
  verdict.what = connectors::absence_verdict::kind::gone;
  co_return verdict;
}

}  // namespace personsync::posthog
