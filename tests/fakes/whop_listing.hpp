#pragma once
// What a request to the simulated Whop People API asks for, and how a person is
// served: the seed's offset API (JSON `filters`, `sort`) and Whop's current cursor
// API (filters as query parameters, `order`, keyset cursors), the two item shapes,
// and the normalized contacts a retrieve finds people by. No state: whop_api holds it.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "tests/fakes/people_generator.hpp"

namespace personsync::fakes::whop_listing {

std::optional<std::string> query_value(const std::map<std::string, std::string>& query, std::string_view name);
std::optional<std::int64_t> parse_int(const std::string& text);
// A numeric field of a person for sorting and filtering; nullopt for text fields.
std::optional<double> numeric_field(const whop_person& p, std::string_view field);

// The offset API's `filters`: a JSON array of {field, operator, value}.
struct filter {
  std::string field, op;
  boost::json::value value;
};
std::variant<std::vector<filter>, std::string> parse_filters(const std::string& text);  // or the error
bool matches(const whop_person& p, const filter& f);

// What both APIs read alike: how many (`first`), by what, which way.
struct page_request {
  std::int64_t first;
  std::string order, direction;
};
struct page_rules {
  std::int64_t default_first, max_first;
  std::string_view order_parameter, default_order;
};
std::variant<page_request, std::string> read_page_request(const std::map<std::string, std::string>& query,
                                                          const page_rules& rules);

// The cursor API's filters, from query parameters. Time bounds are half-open, as Whop's
// SDK documents them: `*_after` keeps times at or after the bound, `*_before` times
// before it, so that adjacent ranges hold every time once.
struct time_bound {
  std::string_view name;
  std::int64_t whop_person::*field;
  bool after;
};
struct people_query {
  std::optional<std::string> email, phone, user_id, text;
  std::optional<bool> has_purchased;
  std::vector<std::pair<const time_bound*, std::int64_t>> times;
  std::string canonical;  // the filters as one string: which cached view they select
};
std::variant<people_query, std::string> parse_people_query(const std::map<std::string, std::string>& query);
bool matches(const whop_person& p, const people_query& q);

// Keyset order of the cursor API: (order key, person id), reversed as a whole for desc,
// so that a cursor names a place in the order however the people around it change.
bool precedes(double va, const std::string& ida, double vb, const std::string& idb, bool descending);
struct cursor_position {
  std::string order, direction;
  double value = 0;
  std::string person_id;
};
std::string encode_cursor(const cursor_position& c);  // opaque to clients
std::optional<cursor_position> decode_cursor(const std::string& hex);

// The item of Whop's current API: `id` is the person, the Whop user an object, times ISO 8601.
boost::json::object cursor_item(const whop_person& p);
// The seed's item; `id_is_person` decides which of `id` and `person_id` holds the prsn_ id.
boost::json::object offset_item(const whop_person& p, bool id_is_person);

// Emails match whatever their case and padding, phones whatever their format, as Whop's
// lookups do; contact_keys are both, for a person.
std::string email_key(const std::string& email);
std::string phone_key(const std::string& phone);
std::vector<std::string> contact_keys(const whop_person& p);

std::optional<std::string> text_of(const boost::json::value& v);

}  // namespace personsync::fakes::whop_listing
