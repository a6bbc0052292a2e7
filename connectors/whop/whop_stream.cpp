#include "connectors/whop/whop_stream.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/iso_time.hpp"
#include "common/json/precise_parse.hpp"
#include "common/json/storable_text.hpp"
#include "connectors/http/url.hpp"
#include "connectors/paging/item_mapping.hpp"
#include "connectors/whop/whop_item.hpp"

namespace personsync::whop {
namespace {

std::string filters_json(const std::vector<people_filter>& filters) {
  boost::json::array out;
  for (const people_filter& f : filters) out.push_back({{"field", f.field}, {"operator", f.op}, {"value", f.value}});
  return boost::json::serialize(out);
}

}  // namespace

time_window full_sweep_window(const whop_source_config& cfg, std::chrono::system_clock::time_point now) {
  const std::int64_t to = unix_seconds(now);
  return {to - std::chrono::duration_cast<std::chrono::seconds>(cfg.full_sweep_window).count(), to};
}

time_window incremental_window(const whop_source_config& cfg, std::int64_t last_to,
                               std::chrono::system_clock::time_point now) {
  const std::int64_t to = unix_seconds(now);
  const std::int64_t overlap = std::chrono::duration_cast<std::chrono::seconds>(cfg.incremental_overlap).count();
  return {std::min(last_to - overlap, to), to};
}

whop_offset_stream::whop_offset_stream(const whop_source_config& cfg, time_window window)
    : cfg_(cfg), window_(window) {}

paging::page_request whop_offset_stream::request_at(std::int64_t offset) const {
  std::vector<std::pair<std::string, std::string>> params;
  if (cfg_.account_id) params.emplace_back("account_id", *cfg_.account_id);
  params.emplace_back("from", std::to_string(window_.from));
  params.emplace_back("to", std::to_string(window_.to));
  params.emplace_back("first", std::to_string(cfg_.page_size));
  params.emplace_back("offset", std::to_string(offset));
  params.emplace_back("sort", cfg_.sort);
  params.emplace_back("direction", cfg_.direction);
  if (!cfg_.filters.empty()) params.emplace_back("filters", filters_json(cfg_.filters));

  paging::page_request request;
  request.http.url = cfg_.source.base_url + "/people?" + net::encode_query(params);
  request.endpoint = "people.list";
  request.http.bearer = cfg_.source.token ? &*cfg_.source.token : nullptr;
  request.position = offset;
  return request;
}

std::vector<paging::page_request> whop_offset_stream::first_requests() { return {request_at(0)}; }

paging::page_result whop_offset_stream::parse_page(const paging::page_request& request,
                                                   const net::http_response& response) {
  std::string text = response.body;
  const std::size_t replaced = json::make_storable(text);
  boost::system::error_code ec;
  boost::json::monotonic_resource page_memory;  // the page's DOM, dropped whole once its records are mapped
  const boost::json::value body = json::parse_precise(text, ec, &page_memory);
  if (ec) throw paging::bad_page(fmt::format("the body is not JSON: {}", ec.message()));
  if (!body.is_object()) throw paging::bad_page("the body is not a JSON object");
  const auto* data = body.get_object().if_contains("data");
  const auto* total = body.get_object().if_contains("total_count");
  if (!data || !data->is_array()) throw paging::bad_page("`data` is missing or not an array");
  if (!total || !(total->is_int64() || total->is_uint64())) throw paging::bad_page("`total_count` is missing or not an integer");

  paging::page_result result;
  result.replaced_characters = replaced;
  paging::map_items(data->get_array(), "whop", cfg_.scope(), &map_person, result);

  // The first page plans the rest from total_count.
  if (request.position == 0) {
    total_count_ = total->to_number<std::int64_t>();
    for (std::int64_t offset = cfg_.page_size; offset < total_count_; offset += cfg_.page_size) {
      result.follow_ups.push_back(request_at(offset));
    }
  }
  return result;
}

std::string whop_offset_stream::describe_error(const net::http_response& response) const {
  boost::system::error_code ec;
  const boost::json::value body = json::parse_precise(response.body, ec);
  if (!ec && body.is_object()) {
    if (const auto* error = body.get_object().if_contains("error"); error && error->is_object()) {
      const auto* type = error->get_object().if_contains("type");
      const auto* message = error->get_object().if_contains("message");
      if (type && type->is_string() && message && message->is_string()) {
        return fmt::format("{}: {}", std::string_view(type->get_string()), std::string_view(message->get_string()));
      }
    }
  }
  return fmt::format("unexpected error body ({} bytes)", response.body.size());
}

void whop_offset_stream::finish(paging::sweep_counts& counts) {
  counts.expected_total = total_count_;
  if (total_count_ >= 0 && counts.records < static_cast<std::uint64_t>(total_count_)) {
    counts.shortfall = static_cast<std::uint64_t>(total_count_) - counts.records;
    spdlog::warn("{}: collected {} people of the {} the API announced ({} short)", cfg_.source.name, counts.records,
                 total_count_, counts.shortfall);
  }
}

}  // namespace personsync::whop
