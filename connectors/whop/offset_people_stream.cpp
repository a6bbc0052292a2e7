#include "connectors/whop/offset_people_stream.hpp"

#include <boost/json.hpp>

#include "connectors/paging/item_mapping.hpp"
#include "connectors/whop/people_request.hpp"
#include "connectors/whop/whop_item.hpp"

namespace personsync::whop {
namespace {

std::string filters_json(const std::vector<people_filter>& filters) {
  boost::json::array out;
  for (const people_filter& f : filters) out.push_back({{"field", f.field}, {"operator", f.op}, {"value", f.value}});
  return boost::json::serialize(out);
}

}  // namespace

offset_people_stream::offset_people_stream(const whop_source_config& cfg, whop_sweep sweep)
    : cfg_(cfg), sweep_(sweep), plan_(cfg.page_size, static_cast<std::int64_t>(cfg.source.concurrency)) {}

paging::page_request offset_people_stream::request_at(std::int64_t offset) const {
  const bool full = sweep_.kind == sweep_kind::full;
  query_params params;
  params.emplace_back("from", std::to_string(sweep_.window.from));
  params.emplace_back("to", std::to_string(sweep_.window.to + clock_skew_allowance.count()));
  params.emplace_back("first", std::to_string(cfg_.page_size));
  params.emplace_back("offset", std::to_string(offset));
  params.emplace_back("sort", full ? "first_seen_at" : cfg_.sort);
  params.emplace_back("direction", full ? "asc" : cfg_.direction);
  if (!cfg_.filters.empty()) params.emplace_back("filters", filters_json(cfg_.filters));
  return people_request(cfg_, "/people", params, offset, "people.list");
}

std::vector<paging::page_request> offset_people_stream::first_requests() { return {request_at(0)}; }

paging::page_result offset_people_stream::parse_page(const paging::page_request& request,
                                                     const net::http_response& response) {
  boost::json::monotonic_resource page_memory;  // the page's DOM, dropped whole once its records are mapped
  boost::json::value holder;
  paging::page_result result;
  std::size_t replaced = 0;
  const boost::json::object& body = parse_people_body(response, page_memory, holder, replaced, people_api::offset);
  result.replaced_characters = replaced;
  const boost::json::array& data = body.at("data").get_array();
  paging::map_items(data, "whop", cfg_.scope(), &map_person, result);

  if (request.position == 0 && !total_read_) {
    total_read_ = true;
    total_ = paging::read_announced_total(body.if_contains("total_count"));
    if (total_.value >= 0) plan_.expect_total(total_.value);
  }
  const bool full_page = data.size() >= static_cast<std::size_t>(cfg_.page_size);
  for (const std::int64_t offset : plan_.answered(request.position, full_page)) {
    result.follow_ups.push_back(request_at(offset));
  }
  return result;
}

std::string offset_people_stream::describe_error(const net::http_response& response) const {
  return describe_whop_error(response);
}

void offset_people_stream::finish(paging::sweep_counts& counts) {
  counts.expected_total = total_.value;
  counts.total_problem = total_.problem;
}

}  // namespace personsync::whop
