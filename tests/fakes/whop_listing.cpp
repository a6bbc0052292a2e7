#include "tests/fakes/whop_listing.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/iso_time.hpp"
#include "tests/fakes/ascii.hpp"

namespace personsync::fakes::whop_listing {

std::optional<std::string> query_value(const std::map<std::string, std::string>& query, std::string_view name) {
  const auto it = query.find(std::string(name));
  return it == query.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// A numeric field of a person for sorting and filtering; nullopt for text fields.
std::optional<double> numeric_field(const whop_person& p, std::string_view field) {
  if (field == "last_seen_at") return static_cast<double>(p.last_seen_at);
  if (field == "first_seen_at") return static_cast<double>(p.first_seen_at);
  if (field == "purchase_count") return static_cast<double>(p.purchase_count);
  if (field == "ltv") return p.ltv.value_or(0.0);
  if (field == "aov") return p.aov.value_or(0.0);
  return std::nullopt;
}

namespace {
std::optional<std::string> text_field(const whop_person& p, std::string_view field) {
  if (field == "id") return p.id;
  if (field == "person_id") return p.person_id;
  if (field == "name") return p.name.value_or("");
  if (field == "email") return p.email.value_or("");
  if (field == "phone") return p.phone.value_or("");
  return std::nullopt;
}
}  // namespace

namespace {
constexpr std::array<std::string_view, 5> sortable{"last_seen_at", "first_seen_at", "purchase_count", "ltv", "aov"};
constexpr std::array<std::string_view, 7> operators{"eq", "neq", "gt", "gte", "lt", "lte", "contains"};
}  // namespace


bool matches(const whop_person& p, const filter& f) {
  if (const auto n = numeric_field(p, f.field)) {
    const double v = f.value.is_number() ? f.value.to_number<double>() : std::strtod(f.value.as_string().c_str(), nullptr);
    if (f.op == "eq") return *n == v;
    if (f.op == "neq") return *n != v;
    if (f.op == "gt") return *n > v;
    if (f.op == "gte") return *n >= v;
    if (f.op == "lt") return *n < v;
    if (f.op == "lte") return *n <= v;
    return false;
  }
  const std::string t = *text_field(p, f.field);
  const std::string v = f.value.is_string() ? std::string(f.value.get_string()) : boost::json::serialize(f.value);
  if (f.op == "eq") return t == v;
  if (f.op == "neq") return t != v;
  if (f.op == "contains") return t.find(v) != std::string::npos;
  if (f.op == "gt") return t > v;
  if (f.op == "gte") return t >= v;
  if (f.op == "lt") return t < v;
  if (f.op == "lte") return t <= v;
  return false;
}

// Parses the `filters` parameter; an error message on failure.
std::variant<std::vector<filter>, std::string> parse_filters(const std::string& text) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return std::string("filters must be a JSON array");
  std::vector<filter> out;
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) return std::string("each filter must be an object with field, operator and value");
    const auto& o = item.get_object();
    const auto* field = o.if_contains("field");
    const auto* op = o.if_contains("operator");
    const auto* value = o.if_contains("value");
    if (!field || !field->is_string() || !op || !op->is_string() || !value || !(value->is_string() || value->is_number())) {
      return std::string("each filter must be an object with field, operator and value");
    }
    whop_person probe;
    if (!numeric_field(probe, field->get_string()) && !text_field(probe, field->get_string())) {
      return fmt::format("unknown filter field '{}'", std::string_view(field->get_string()));
    }
    if (std::find(operators.begin(), operators.end(), std::string_view(op->get_string())) == operators.end()) {
      return fmt::format("unknown filter operator '{}'", std::string_view(op->get_string()));
    }
    out.push_back({std::string(field->get_string()), std::string(op->get_string()), *value});
  }
  return out;
}


std::variant<page_request, std::string> read_page_request(const std::map<std::string, std::string>& query,
                                                          const page_rules& rules) {
  const auto param = [&](std::string_view name) { return query_value(query, name); };
  page_request out{rules.default_first, std::string(rules.default_order), "desc"};
  if (const auto v = param("first")) {
    const auto n = parse_int(*v);
    if (!n || *n < 1 || *n > rules.max_first) return fmt::format("first must be an integer between 1 and {}", rules.max_first);
    out.first = *n;
  }
  out.order = param(rules.order_parameter).value_or(out.order);
  if (std::find(sortable.begin(), sortable.end(), out.order) == sortable.end()) {
    return fmt::format("{} must be one of last_seen_at, first_seen_at, purchase_count, ltv, aov", rules.order_parameter);
  }
  out.direction = param("direction").value_or(out.direction);
  if (out.direction != "asc" && out.direction != "desc") return std::string("direction must be asc or desc");
  return out;
}

namespace {
constexpr std::array<time_bound, 4> time_bounds{{
    {"last_seen_after", &whop_person::last_seen_at, true},
    {"last_seen_before", &whop_person::last_seen_at, false},
    {"first_seen_after", &whop_person::first_seen_at, true},
    {"first_seen_before", &whop_person::first_seen_at, false},
}};
}  // namespace

// Emails match whatever their case and padding, as Whop's lookups do.
std::string email_key(const std::string& email) {
  const auto first = email.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return ascii_lower(email.substr(first, email.find_last_not_of(" \t") - first + 1));
}

// Phones match whatever their format: the digits, as +1 numbers (the generator's region).
std::string phone_key(const std::string& phone) {
  std::string digits;
  for (char c : phone) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  if (digits.starts_with("00")) digits.erase(0, 2);
  if (digits.size() == 10) digits = "1" + digits;  // not insert(): GCC 12 warns falsely (-Wrestrict)
  return digits;
}

namespace {
std::string iso_at(std::int64_t unix) { return iso_seconds(std::chrono::system_clock::from_time_t(unix)); }
}  // namespace


std::variant<people_query, std::string> parse_people_query(const std::map<std::string, std::string>& query) {
  people_query out;
  const auto param = [&](std::string_view name) {
    auto value = query_value(query, name);
    if (value) out.canonical += fmt::format("{}={}&", name, *value);
    return value;
  };
  for (const time_bound& bound : time_bounds) {
    const auto v = param(bound.name);
    if (!v) continue;
    const auto t = parse_iso_seconds(*v);
    if (!t) return fmt::format("{} must be an ISO 8601 time", bound.name);
    out.times.emplace_back(&bound, unix_seconds(*t));
  }
  if (const auto v = param("email")) out.email = email_key(*v);
  if (const auto v = param("phone")) out.phone = phone_key(*v);
  out.user_id = param("user_id");
  if (const auto v = param("query")) out.text = ascii_lower(*v);
  if (const auto v = param("has_purchased")) {
    if (*v != "true" && *v != "false") return std::string("has_purchased must be true or false");
    out.has_purchased = *v == "true";
  }
  return out;
}

namespace {
bool contains_text(const std::optional<std::string>& field, const std::string& needle) {
  return field && ascii_lower(*field).find(needle) != std::string::npos;
}
}  // namespace

bool matches(const whop_person& p, const people_query& q) {
  for (const auto& [bound, at] : q.times) {
    const std::int64_t t = p.*(bound->field);
    if (bound->after ? t < at : t >= at) return false;
  }
  if (q.email && email_key(p.email.value_or("")) != *q.email) return false;
  if (q.phone && phone_key(p.phone.value_or("")) != *q.phone) return false;
  if (q.user_id && p.id != *q.user_id) return false;
  if (q.has_purchased && (p.purchase_count > 0) != *q.has_purchased) return false;
  if (q.text && !contains_text(p.name, *q.text) && !contains_text(p.email, *q.text)) return false;
  return true;
}

// Keyset order of the cursor API: (order key, person id), reversed as a whole for desc,
// so that a cursor names a place in the order however the people around it change.
bool precedes(double va, const std::string& ida, double vb, const std::string& idb, bool descending) {
  if (descending) return va != vb ? va > vb : ida > idb;
  return va != vb ? va < vb : ida < idb;
}


// Opaque to clients: hex of "order|direction|value|person id".
std::string encode_cursor(const cursor_position& c) {
  const std::string text = fmt::format("{}|{}|{}|{}", c.order, c.direction, c.value, c.person_id);
  std::string out;
  for (unsigned char ch : text) out += fmt::format("{:02x}", ch);
  return out;
}

std::optional<cursor_position> decode_cursor(const std::string& hex) {
  if (hex.empty() || hex.size() % 2 != 0) return std::nullopt;
  std::string text;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc{} || end != hex.data() + i + 2) return std::nullopt;
    text.push_back(static_cast<char>(v));
  }
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t bar = text.find('|', start);
    parts.push_back(text.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (parts.size() != 4 || parts[3].empty()) return std::nullopt;
  cursor_position c{parts[0], parts[1], 0, parts[3]};
  const auto [end, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), c.value);
  if (ec != std::errc{} || end != parts[2].data() + parts[2].size()) return std::nullopt;
  return c;
}

// The item of Whop's current API: `id` is the person, the Whop user an object, times ISO 8601.
boost::json::object cursor_item(const whop_person& p) {
  boost::json::object o = to_json(p);
  o["id"] = p.person_id;
  o.erase("person_id");
  std::string username = ascii_lower(p.id.starts_with("user_") ? p.id.substr(5) : p.id);
  o["user"] = boost::json::object{{"id", p.id}, {"username", std::move(username)}, {"name", o["name"]}};
  o["first_seen_at"] = iso_at(p.first_seen_at);
  o["last_seen_at"] = iso_at(p.last_seen_at);
  return o;
}

// The seed's item; `id_is_person` decides which of `id` and `person_id` holds the prsn_ id.
boost::json::object offset_item(const whop_person& p, bool id_is_person) {
  boost::json::object o = to_json(p);
  if (id_is_person) {
    o["id"] = p.person_id;
    o["person_id"] = p.id;
  }
  return o;
}

std::optional<std::string> text_of(const boost::json::value& v) {
  return v.is_string() ? std::optional<std::string>(std::string(v.get_string())) : std::nullopt;
}

// The keys a person is found by besides its ids: its normalized email and phone.
std::vector<std::string> contact_keys(const whop_person& p) {
  std::vector<std::string> keys;
  if (p.email && !email_key(*p.email).empty()) keys.push_back(email_key(*p.email));
  if (p.phone && !phone_key(*p.phone).empty()) keys.push_back(phone_key(*p.phone));
  return keys;
}

}  // namespace personsync::fakes::whop_listing
