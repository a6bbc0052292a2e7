#include "connectors/posthog/persons_stream.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/json/precise_parse.hpp"
#include "common/json/storable_text.hpp"
#include "connectors/http/url.hpp"
#include "connectors/paging/completeness.hpp"
#include "connectors/paging/item_mapping.hpp"
#include "connectors/paging/page_driver.hpp"
#include "connectors/posthog/person_item.hpp"

namespace personsync::posthog {
namespace {

std::optional<std::int64_t> offset_in(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  for (const auto& param : parsed->params()) {
    if (param.key == "offset") {
      try {
        return std::stoll(std::string(param.value));
      } catch (...) {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::string describe_posthog_error(const net::http_response& response) {
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  if (!ec && body.is_object()) {
    const auto& o = body.get_object();
    const auto text = [&](const char* key) -> std::string {
      const auto* v = o.if_contains(key);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    if (!text("detail").empty()) return fmt::format("{} ({}): {}", text("type"), text("code"), text("detail"));
  }
  return fmt::format("unexpected error body ({} bytes)", response.body.size());
}

persons_stream::persons_stream(const posthog_source_config& cfg, std::optional<std::string> updated_after)
    : cfg_(cfg),
      updated_after_(std::move(updated_after)),
      plan_(cfg.page_size, static_cast<std::int64_t>(cfg.source.concurrency)) {
  if (const auto base = net::parse_endpoint(cfg_.source.base_url)) origin_ = base->origin();
}

paging::page_request persons_stream::request_at(std::int64_t offset, bool include_total) const {
  std::vector<std::pair<std::string, std::string>> params{{"limit", std::to_string(cfg_.page_size)},
                                                          {"offset", std::to_string(offset)}};
  if (include_total) params.emplace_back("include_total", "true");
  if (updated_after_) params.emplace_back("updated_after", *updated_after_);
  if (cfg_.filter.properties) params.emplace_back("properties", *cfg_.filter.properties);
  if (cfg_.filter.search) params.emplace_back("search", *cfg_.filter.search);
  if (cfg_.filter.distinct_id) params.emplace_back("distinct_id", *cfg_.filter.distinct_id);
  if (cfg_.filter.email) params.emplace_back("email", *cfg_.filter.email);
  paging::page_request r;
  r.http.url = cfg_.persons_url() + "?" + net::encode_query(params);
  r.endpoint = "persons.list";
  r.http.bearer = cfg_.source.token ? &*cfg_.source.token : nullptr;
  r.position = offset;
  return r;
}

paging::page_request persons_stream::follow(const std::string& next_url, std::int64_t fallback_position) const {
  // The key goes only where it was configured to go.
  const auto next = net::parse_endpoint(next_url);
  if (!next || next->origin() != origin_) {
    throw paging::source_failed(paging::source_failed::reason::provider_error,
                                fmt::format("refusing to follow `next` to {}: it is not the configured {}",
                                            next ? next->origin() : std::string("an invalid URL"), origin_));
  }
  paging::page_request r;
  r.http.url = next_url;
  r.endpoint = "persons.list";
  r.http.bearer = cfg_.source.token ? &*cfg_.source.token : nullptr;
  r.position = offset_in(next_url).value_or(fallback_position);
  return r;
}

std::vector<paging::page_request> persons_stream::first_requests() { return {request_at(0, true)}; }

paging::page_result persons_stream::parse_page(const paging::page_request& request,
                                               const net::http_response& response) {
  paging::page_result result;
  std::string text = response.body;
  result.replaced_characters = json::make_storable(text);

  boost::system::error_code ec;
  boost::json::monotonic_resource page_memory;  // the page's DOM, dropped whole once its records are mapped
  const boost::json::value body = json::parse_precise(text, ec, &page_memory);
  if (ec) throw paging::bad_page(fmt::format("the body is not JSON: {}", ec.message()));
  if (!body.is_object()) throw paging::bad_page("the body is not a JSON object");
  const auto& page = body.get_object();
  const auto* results = page.if_contains("results");
  const auto* next = page.if_contains("next");
  if (!results || !results->is_array()) throw paging::bad_page("`results` is missing or not an array");
  if (next && !next->is_null() && !next->is_string()) throw paging::bad_page("`next` is neither a URL nor null");

  paging::map_items(results->get_array(), "posthog", cfg_.scope(), &map_person, result);

  const bool has_next = next && next->is_string();
  // `next` leads only to the configured origin, whether followed or only read as "more follow".
  std::optional<paging::page_request> following;
  if (has_next) following = follow(std::string(next->get_string()), request.position + cfg_.page_size);
  if (request.position == 0 && !total_read_) {
    total_read_ = true;
    total_ = paging::read_announced_total(page.if_contains("count"));
    // Some servers send the page's length as `count` even when asked for the total: on a full
    // first page with more to come, such a count says nothing about the total.
    if (total_.value >= 0 && has_next && static_cast<std::size_t>(total_.value) == results->get_array().size()) {
      total_ = {};
    }
    if (total_.value >= 0) plan_.expect_total(total_.value);
  }
  if (cfg_.source.concurrency > 1) {
    // Side by side by offset, a few pages ahead; `next` null ends the sweep.
    for (const std::int64_t offset : plan_.answered(request.position, has_next)) {
      result.follow_ups.push_back(request_at(offset, false));
    }
  } else if (following) {
    result.follow_ups.push_back(std::move(*following));
  }
  return result;
}

std::string persons_stream::describe_error(const net::http_response& response) const {
  return describe_posthog_error(response);
}

void persons_stream::finish(paging::sweep_counts& counts) {
  counts.expected_total = total_.value;
  counts.total_problem = total_.problem;
}

}  // namespace personsync::posthog
