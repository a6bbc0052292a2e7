#include "connectors/whop/people_request.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/json/precise_parse.hpp"
#include "common/json/storable_text.hpp"
#include "connectors/http/url.hpp"
#include "connectors/paging/page_driver.hpp"

namespace personsync::whop {

paging::page_request people_request(const whop_source_config& cfg, std::string_view path, const query_params& params,
                                    std::int64_t position, std::string_view endpoint) {
  query_params all;
  if (cfg.account_id) all.emplace_back("account_id", *cfg.account_id);
  all.insert(all.end(), params.begin(), params.end());
  paging::page_request request;
  request.http.url = cfg.source.base_url + std::string(path) + (all.empty() ? "" : "?" + net::encode_query(all));
  request.http.headers.emplace_back("Api-Version-Date", cfg.api_version_date);
  request.endpoint = endpoint;
  request.http.bearer = cfg.source.token ? &*cfg.source.token : nullptr;
  request.position = position;
  return request;
}

std::string describe_whop_error(const net::http_response& response) {
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

std::optional<people_api> shown_api(const boost::json::object& body) {
  if (body.contains("page_info")) return people_api::cursor;
  if (body.contains("total_count")) return people_api::offset;
  return std::nullopt;
}

namespace {

void require_api(const boost::json::object& body, people_api expected) {
  const std::optional<people_api> shown = shown_api(body);
  if (expected == people_api::detect || !shown || *shown == expected) return;
  const bool cursor = *shown == people_api::cursor;
  throw paging::source_failed(paging::source_failed::reason::provider_error,
                              fmt::format("the server answers in the {} People API (`{}`), not the {} API configured: "
                                          "set `api = \"{}\"` or `\"auto\"`",
                                          cursor ? "cursor" : "offset", cursor ? "page_info" : "total_count",
                                          cursor ? "offset" : "cursor", cursor ? "cursor" : "offset"));
}

}  // namespace

const boost::json::object& parse_people_body(const net::http_response& response, boost::json::monotonic_resource& memory,
                                             boost::json::value& holder, std::size_t& replaced, people_api expected) {
  std::string text = response.body;
  replaced = json::make_storable(text);
  boost::system::error_code ec;
  holder = json::parse_precise(text, ec, &memory);
  if (ec) throw paging::bad_page(fmt::format("the body is not JSON: {}", ec.message()));
  if (!holder.is_object()) throw paging::bad_page("the body is not a JSON object");
  const auto* data = holder.get_object().if_contains("data");
  require_api(holder.get_object(), expected);
  if (!data || !data->is_array()) throw paging::bad_page("`data` is missing or not an array");
  return holder.get_object();
}

}  // namespace personsync::whop
