#include "connectors/posthog/person_lookup.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/json/precise_parse.hpp"
#include "common/json/storable_text.hpp"
#include "connectors/http/url.hpp"
#include "connectors/posthog/person_item.hpp"
#include "connectors/posthog/persons_stream.hpp"

namespace personsync::posthog {
namespace {

// A stream only for its error descriptions: lookups fail like sweeps do.
class lookup_errors final : public paging::source_stream {
 public:
  std::vector<paging::page_request> first_requests() override { return {}; }
  paging::page_result parse_page(const paging::page_request&, const net::http_response&) override { return {}; }
  [[nodiscard]] std::string describe_error(const net::http_response& r) const override { return describe_posthog_error(r); }
};

boost::json::value parse_body(const net::http_response& response) {
  std::string text = response.body;
  json::make_storable(text);
  boost::system::error_code ec;
  boost::json::value v = json::parse_precise(text, ec);
  if (ec) throw paging::source_failed(paging::source_failed::reason::provider_error,
                                      fmt::format("a person lookup returned a body that is not JSON: {}", ec.message()));
  return v;
}

std::optional<connectors::source_record> to_record(const boost::json::value& item, const std::string& scope) {
  auto mapped = map_person(item, scope, std::chrono::system_clock::now());
  if (auto* record = std::get_if<connectors::source_record>(&mapped)) return std::move(*record);
  throw paging::source_failed(paging::source_failed::reason::provider_error,
                              fmt::format("a person lookup returned a person that breaks the contract: {}",
                                          std::get<std::string>(mapped)));
}

}  // namespace

boost::asio::awaitable<std::optional<connectors::source_record>> person_lookup::retrieve(std::int64_t id) {
  paging::page_request request;
  request.http.url = cfg_.persons_url() + std::to_string(id) + "/";
  request.endpoint = "persons.retrieve";
  request.http.bearer = cfg_.source.token ? &*cfg_.source.token : nullptr;
  const lookup_errors errors;
  std::vector<int> not_found_is_an_answer{404};  // named: GCC 12 rejects a braced list inside co_await
  const net::http_response response = co_await driver_.fetch(request, errors, std::move(not_found_is_an_answer));
  if (response.status == 404) co_return std::nullopt;
  co_return to_record(parse_body(response), cfg_.scope());
}

boost::asio::awaitable<std::optional<connectors::source_record>> person_lookup::by_distinct_id(
    const std::string& distinct_id) {
  paging::page_request request;
  request.http.url = cfg_.persons_url() + "?" + net::encode_query({{"distinct_id", distinct_id}});
  request.endpoint = "persons.by_distinct_id";
  request.http.bearer = cfg_.source.token ? &*cfg_.source.token : nullptr;
  const lookup_errors errors;
  const net::http_response response = co_await driver_.fetch(request, errors);
  const boost::json::value body = parse_body(response);
  const auto* results = body.is_object() ? body.get_object().if_contains("results") : nullptr;
  if (!results || !results->is_array() || results->get_array().empty()) co_return std::nullopt;
  co_return to_record(results->get_array().front(), cfg_.scope());
}

boost::asio::awaitable<absence_verdict> person_lookup::confirm_absence(const missing_person& person) {
  absence_verdict verdict;
  std::optional<connectors::source_record> found = co_await retrieve(person.id);
  if (found && found->source_key == person.uuid) {
    verdict.what = absence_verdict::kind::still_there;  // the sweep skipped it (offsets shifted)
    verdict.record = std::move(found);
    co_return verdict;
  }
  // Gone by id: did another person take its distinct ids (a merge)?
  for (const std::string& distinct_id : person.distinct_ids) {
    std::optional<connectors::source_record> holder = co_await by_distinct_id(distinct_id);
    if (holder && holder->source_key != person.uuid) {
      verdict.what = absence_verdict::kind::merged;
      verdict.record = std::move(holder);
      co_return verdict;
    }
  }
  verdict.what = absence_verdict::kind::gone;
  co_return verdict;
}

}  // namespace personsync::posthog
