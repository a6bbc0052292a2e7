#include "tests/fakes/whop_api.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace personsync::fakes {
namespace {

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

std::optional<std::string> text_field(const whop_person& p, std::string_view field) {
  if (field == "id") return p.id;
  if (field == "person_id") return p.person_id;
  if (field == "name") return p.name.value_or("");
  if (field == "email") return p.email.value_or("");
  if (field == "phone") return p.phone.value_or("");
  return std::nullopt;
}

constexpr std::array<std::string_view, 5> sortable{"last_seen_at", "first_seen_at", "purchase_count", "ltv", "aov"};
constexpr std::array<std::string_view, 7> operators{"eq", "neq", "gt", "gte", "lt", "lte", "contains"};

struct filter {
  std::string field, op;
  boost::json::value value;
};

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

}  // namespace

sim_reply whop_error(int status, std::string_view type, std::string_view message) {
  sim_reply reply;
  reply.status = status;
  reply.body = boost::json::serialize(boost::json::object{{"error", {{"type", type}, {"message", message}}}});
  return reply;
}

whop_api::whop_api(std::vector<whop_person> people, whop_api_options options)
    : people_(std::move(people)), json_cache_(people_.size()), options_(std::move(options)) {}

void whop_api::changed() {
  ++version_;
  view_key_.reset();
}

const std::string& whop_api::serialized(std::size_t index) {
  if (json_cache_[index].empty()) json_cache_[index] = boost::json::serialize(served(people_[index]));
  return json_cache_[index];
}

sim_reply whop_api::list_people(const sim_request& request, std::int64_t now) {
  if (request.authorization != "Bearer " + options_.token) {
    return whop_error(401, "unauthorized", "The API key is missing or invalid.");
  }
  const auto param = [&](const char* name) -> std::optional<std::string> {
    const auto it = request.query.find(name);
    return it == request.query.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  const auto bad = [](std::string message) { return whop_error(400, "invalid_request_error", message); };

  if (const auto account = param("account_id")) {
    if (*account != options_.account_id) return whop_error(403, "forbidden", "You do not have access to this account.");
  } else if (options_.require_account_id) {
    return bad("account_id is required for credentials that can access multiple accounts");
  }

  std::int64_t to = now, first = 100, offset = 0;
  if (const auto v = param("to")) {
    const auto n = parse_int(*v);
    if (!n) return bad("to must be a Unix timestamp");
    to = *n;
  }
  std::int64_t from = to - 366 * 86400;
  if (const auto v = param("from")) {
    const auto n = parse_int(*v);
    if (!n) return bad("from must be a Unix timestamp");
    from = *n;
  }
  if (from > to) return bad("from must not be after to");
  if (const auto v = param("first")) {
    const auto n = parse_int(*v);
    if (!n || *n < 1 || *n > 101) return bad("first must be an integer between 1 and 101");
    first = *n;
  }
  if (const auto v = param("offset")) {
    const auto n = parse_int(*v);
    if (!n || *n < 0) return bad("offset must be a non-negative integer");
    offset = *n;
  }
  const std::string sort = param("sort").value_or("last_seen_at");
  if (std::find(sortable.begin(), sortable.end(), sort) == sortable.end()) {
    return bad("sort must be one of last_seen_at, first_seen_at, purchase_count, ltv, aov");
  }
  const std::string direction = param("direction").value_or("desc");
  if (direction != "asc" && direction != "desc") return bad("direction must be asc or desc");
  const std::string filters_text = param("filters").value_or("");
  std::vector<filter> filters;
  if (!filters_text.empty()) {
    auto parsed = parse_filters(filters_text);
    if (auto* error = std::get_if<std::string>(&parsed)) return bad(*error);
    filters = std::get<std::vector<filter>>(std::move(parsed));
  }

  // The selection is computed once per distinct listing and reused by its pages.
  const view_key key{sort, direction, filters_text, from, to, version_};
  if (!view_key_ || !(*view_key_ == key)) {
    view_.clear();
    for (std::uint32_t i = 0; i < people_.size(); ++i) {
      const whop_person& p = people_[i];
      if (p.last_seen_at < from || p.last_seen_at > to) continue;
      if (std::all_of(filters.begin(), filters.end(), [&](const filter& f) { return matches(p, f); })) view_.push_back(i);
    }
    const bool descending = direction == "desc";
    std::stable_sort(view_.begin(), view_.end(), [&](std::uint32_t a, std::uint32_t b) {
      const double va = *numeric_field(people_[a], sort), vb = *numeric_field(people_[b], sort);
      if (va != vb) return descending ? va > vb : va < vb;
      return people_[a].id < people_[b].id;  // a total order, so that pages never overlap
    });
    view_key_ = key;
  }

  sim_reply reply;
  std::string& body = reply.body;
  body.reserve(static_cast<std::size_t>(first) * 700);
  body += "{\"data\":[";
  const auto begin = static_cast<std::size_t>(std::min<std::int64_t>(offset, static_cast<std::int64_t>(view_.size())));
  const auto end = std::min(view_.size(), begin + static_cast<std::size_t>(first));
  for (std::size_t i = begin; i < end; ++i) {
    if (i != begin) body += ',';
    body += serialized(view_[i]);
  }
  body += fmt::format("],\"total_count\":{}}}", view_.size());
  return reply;
}

std::string whop_api::control(const boost::json::object& command) {
  const auto* op = command.if_contains("op");
  if (!op || !op->is_string()) return "op is required";
  const auto find = [&](const boost::json::object& c) -> whop_person* {
    const auto* id = c.if_contains("id");
    if (!id || !id->is_string()) return nullptr;
    // Either id names the person, whichever field the server serves it in.
    const auto it = std::find_if(people_.begin(), people_.end(), [&](const whop_person& p) {
      return p.id == id->get_string() || p.person_id == id->get_string();
    });
    if (it == people_.end()) return nullptr;
    json_cache_[static_cast<std::size_t>(it - people_.begin())].clear();
    return &*it;
  };
  const auto text = [](const boost::json::value& v) -> std::optional<std::string> {
    return v.is_string() ? std::optional<std::string>(std::string(v.get_string())) : std::nullopt;
  };

  if (op->get_string() == "add") {
    const auto* person = command.if_contains("person");
    if (!person || !person->is_object()) return "person is required";
    const auto& o = person->get_object();
    whop_person p;
    if (!o.contains("id") || !o.at("id").is_string()) return "person.id is required";
    p.id = o.at("id").get_string();
    p.person_id = o.contains("person_id") ? std::string(o.at("person_id").as_string()) : "prsn_" + p.id;
    if (o.contains("name")) p.name = text(o.at("name"));
    if (o.contains("email")) p.email = text(o.at("email"));
    if (o.contains("phone")) p.phone = text(o.at("phone"));
    p.first_seen_at = o.contains("first_seen_at") ? o.at("first_seen_at").to_number<std::int64_t>() : 0;
    p.last_seen_at = o.contains("last_seen_at") ? o.at("last_seen_at").to_number<std::int64_t>() : p.first_seen_at;
    p.purchase_count = o.contains("purchase_count") ? o.at("purchase_count").to_number<std::int64_t>() : 0;
    p.human_id = o.contains("human_id") ? std::string(o.at("human_id").as_string()) : "h_" + p.id;
    people_.push_back(std::move(p));
    json_cache_.emplace_back();
  } else if (op->get_string() == "update") {
    whop_person* p = find(command);
    if (!p) return "no person with that id";
    const auto* fields = command.if_contains("fields");
    if (!fields || !fields->is_object()) return "fields is required";
    for (const auto& [k, v] : fields->get_object()) {
      if (k == "name") p->name = text(v);
      else if (k == "phone") p->phone = text(v);
      else if (k == "email") p->email = text(v);
      else if (k == "last_seen_at") p->last_seen_at = v.to_number<std::int64_t>();
      else if (k == "purchase_count") p->purchase_count = v.to_number<std::int64_t>();
      else if (k == "ltv") p->ltv = v.to_number<double>();
      else return fmt::format("field '{}' cannot be updated here", std::string_view(k));
    }
  } else if (op->get_string() == "change_email") {
    whop_person* p = find(command);
    if (!p) return "no person with that id";
    const auto* email = command.if_contains("email");
    if (!email) return "email is required";
    p->email = text(*email);
  } else {
    return "op must be add, update or change_email";
  }
  changed();
  return "";
}

boost::json::object whop_api::served(const whop_person& p) const {
  boost::json::object o = to_json(p);
  if (options_.id_is_person) {
    o["id"] = p.person_id;
    o["person_id"] = p.id;
  }
  return o;
}

boost::json::object whop_api::truth() const {
  boost::json::array people;
  boost::json::object humans;
  for (const whop_person& p : people_) {
    people.push_back(served(p));
    humans[p.id] = p.human_id;
    humans[p.person_id] = p.human_id;
  }
  return {{"account_id", options_.account_id}, {"people", std::move(people)}, {"humans", std::move(humans)}};
}

}  // namespace personsync::fakes
