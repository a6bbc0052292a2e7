#include "connectors/whop/cursor_people_stream.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/iso_time.hpp"
#include "connectors/paging/item_mapping.hpp"
#include "connectors/paging/page_driver.hpp"
#include "connectors/whop/people_filters.hpp"
#include "connectors/whop/whop_item.hpp"

namespace personsync::whop {
namespace {

// The filters as query parameters; the first that has no such form is named in `problem`.
query_params filter_params(const std::vector<people_filter>& filters, std::optional<std::string>& problem) {
  query_params out;
  for (const people_filter& f : filters) {
    if (!cursor_api_takes(f)) {
      if (!problem) problem = filter_problem(f, people_api::cursor);
      continue;
    }
    out.emplace_back(f.field, f.value);
  }
  return out;
}

std::string iso_at(std::int64_t unix) { return iso_seconds(std::chrono::system_clock::from_time_t(unix)); }

}  // namespace

cursor_people_stream::cursor_people_stream(const whop_source_config& cfg, whop_sweep sweep,
                                           std::chrono::system_clock::time_point now)
    : cfg_(cfg) {
  query_params common = filter_params(cfg.filters, filter_problem_);
  common.emplace_back("first", std::to_string(std::min(cfg.page_size, cursor_page_limit)));
  common.emplace_back("direction", "asc");
  if (sweep.kind == sweep_kind::incremental) {
    common.emplace_back("order", "last_seen_at");
    common.emplace_back("last_seen_after", iso_at(sweep.window.from));
    chains_.push_back({std::move(common)});
    return;
  }
  common.emplace_back("order", "first_seen_at");
  // Ranges of equal length over the full-sweep window; the first is open below and the
  // last open above, so that together they hold everyone whenever first seen.
  const std::size_t n = std::max<std::size_t>(1, cfg.source.concurrency);
  const std::int64_t end = unix_seconds(now);
  const std::int64_t span = std::chrono::duration_cast<std::chrono::seconds>(cfg.full_sweep_window).count();
  const std::int64_t begin = end - span;
  for (std::size_t i = 0; i < n; ++i) {
    chain c{common};
    const auto bound = [&](std::size_t k) { return begin + span * static_cast<std::int64_t>(k) / static_cast<std::int64_t>(n); };
    if (i > 0) c.params.emplace_back("first_seen_after", iso_at(bound(i)));
    if (i + 1 < n) c.params.emplace_back("first_seen_before", iso_at(bound(i + 1)));
    chains_.push_back(std::move(c));
  }
}

paging::page_request cursor_people_stream::request_for(std::size_t chain_index, std::int64_t page,
                                                       const std::string& after) const {
  query_params params = chains_[chain_index].params;
  if (!after.empty()) params.emplace_back("after", after);
  return people_request(cfg_, "/people", params, cursor_position(chain_index, page), "people.list");
}

std::vector<paging::page_request> cursor_people_stream::first_requests() {
  if (filter_problem_) throw paging::source_failed(paging::source_failed::reason::provider_error, *filter_problem_);
  std::vector<paging::page_request> out;
  for (std::size_t i = 0; i < chains_.size(); ++i) out.push_back(request_for(i, 0, {}));
  return out;
}

paging::page_result cursor_people_stream::parse_page(const paging::page_request& request,
                                                     const net::http_response& response) {
  boost::json::monotonic_resource page_memory;  // the page's DOM, dropped whole once its records are mapped
  boost::json::value holder;
  std::size_t replaced = 0;
  const boost::json::object& body = parse_people_body(response, page_memory, holder, replaced, people_api::cursor);
  const auto* info = body.if_contains("page_info");
  if (!info || !info->is_object()) throw paging::bad_page("`page_info` is missing or not an object");
  const auto* has_next = info->get_object().if_contains("has_next_page");
  const auto* end_cursor = info->get_object().if_contains("end_cursor");
  if (!has_next || !has_next->is_bool()) throw paging::bad_page("`page_info.has_next_page` is not a boolean");
  const bool more = has_next->get_bool();
  if (more && (!end_cursor || !end_cursor->is_string() || end_cursor->get_string().empty())) {
    throw paging::bad_page("`page_info.has_next_page` is true but `end_cursor` is not a cursor");
  }

  paging::page_result result;
  result.replaced_characters = replaced;
  paging::map_items(body.at("data").get_array(), "whop", cfg_.scope(), &map_person, result);
  if (more) {
    const auto chain_index = static_cast<std::size_t>(request.position >> 32);
    const std::int64_t page = request.position & 0xffffffff;
    result.follow_ups.push_back(request_for(chain_index, page + 1, std::string(end_cursor->get_string())));
  }
  return result;
}

std::string cursor_people_stream::describe_error(const net::http_response& response) const {
  return describe_whop_error(response);
}

}  // namespace personsync::whop
