#include "tests/fakes/whop_api.hpp"

#include <algorithm>
#include <array>
#include <variant>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/iso_time.hpp"
#include "tests/fakes/whop_listing.hpp"

namespace personsync::fakes {

using namespace whop_listing;

sim_reply whop_error(int status, std::string_view type, std::string_view message) {
  sim_reply reply;
  reply.status = status;
  reply.body = boost::json::serialize(boost::json::object{{"error", {{"type", type}, {"message", message}}}});
  return reply;
}

whop_api::whop_api(std::vector<whop_person> people, whop_api_options options)
    : people_(std::move(people)), json_cache_(people_.size()), options_(std::move(options)), rng_(options_.seed) {}

std::int64_t whop_api::now() const { return unix_now() + options_.clock_offset_seconds; }

void whop_api::changed() {
  ++version_;
  lookup_.reset();
}

const std::string& whop_api::serialized(std::size_t index) {
  if (json_cache_[index].empty()) json_cache_[index] = boost::json::serialize(served(people_[index]));
  return json_cache_[index];
}

template <typename Build>
const std::vector<std::uint32_t>& whop_api::view(const std::string& key, Build build) {
  // Several selections stay cached at once: concurrent chains (one per first_seen range)
  // interleave their pages, and a single cached view would be rebuilt on every request.
  if (views_version_ != version_ || views_.size() >= 64) {
    views_.clear();
    views_version_ = version_;
  }
  auto it = views_.find(key);
  if (it == views_.end()) it = views_.emplace(key, build()).first;
  return it->second;
}

const whop_api::lookup& whop_api::index() {
  if (lookup_) return *lookup_;
  lookup& l = lookup_.emplace();
  for (std::uint32_t i = 0; i < people_.size(); ++i) {
    const whop_person& p = people_[i];
    l.by_id.emplace(p.id, i);
    l.by_id.emplace(p.person_id, i);
    // A shared email or phone names the first person holding it, as any lookup must pick one.
    for (auto& key : contact_keys(p)) l.by_contact.emplace(std::move(key), i);
    l.by_human[p.human_id].push_back(i);
  }
  return l;
}

void whop_api::contacts_changed(std::uint32_t index, const whop_person& before) {
  // Edits in place keep every index valid: the lookup follows them instead of being rebuilt,
  // which would make a benchmark's 10,000 edits on 1M people quadratic.
  ++version_;
  if (!lookup_) return;
  for (const auto& key : contact_keys(before)) {
    if (const auto it = lookup_->by_contact.find(key); it != lookup_->by_contact.end() && it->second == index) {
      lookup_->by_contact.erase(it);
    }
  }
  for (auto& key : contact_keys(people_[index])) lookup_->by_contact.emplace(std::move(key), index);
}

std::optional<std::uint32_t> whop_api::find(const std::string& id) {
  const lookup& l = index();
  if (const auto it = l.by_id.find(id); it != l.by_id.end()) return it->second;
  const std::string contact = id.find('@') != std::string::npos ? email_key(id) : phone_key(id);
  if (const auto it = l.by_contact.find(contact); !contact.empty() && it != l.by_contact.end()) return it->second;
  return std::nullopt;
}

std::string whop_api::resolve_merged(std::string person_id) const {
  // Survivors can merge again: follow the chain (bounded, in case of a cycle).
  for (std::size_t hops = 0; hops < merged_into_.size(); ++hops) {
    const auto it = merged_into_.find(person_id);
    if (it == merged_into_.end()) break;
    person_id = it->second;
  }
  return person_id;
}

std::optional<sim_reply> whop_api::refuse(const sim_request& request) const {
  if (request.authorization != "Bearer " + options_.token) {
    return whop_error(401, "unauthorized", "The API key is missing or invalid.");
  }
  if (const auto account = request.query.find("account_id"); account != request.query.end()) {
    if (account->second != options_.account_id) return whop_error(403, "forbidden", "You do not have access to this account.");
  } else if (options_.require_account_id) {
    return whop_error(400, "invalid_request_error", "account_id is required for credentials that can access multiple accounts");
  }
  const auto version = request.headers.find("api-version-date");
  if (options_.api == "cursor" && (version == request.headers.end() || version->second.empty())) {
    return whop_error(400, "invalid_request_error", "the Api-Version-Date header is required");
  }
  return std::nullopt;
}

sim_reply whop_api::list_people(const sim_request& request, std::int64_t real_now) {
  if (auto refused = refuse(request)) return *std::move(refused);
  churn(real_now + options_.clock_offset_seconds);
  return options_.api == "offset" ? list_offset(request, real_now + options_.clock_offset_seconds) : list_cursor(request);
}

sim_reply whop_api::list_offset(const sim_request& request, std::int64_t now) {
  const auto param = [&](std::string_view name) { return query_value(request.query, name); };
  const auto bad = [](std::string message) { return whop_error(400, "invalid_request_error", message); };

  std::int64_t to = now, offset = 0;
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
  if (const auto v = param("offset")) {
    const auto n = parse_int(*v);
    if (!n || *n < 0) return bad("offset must be a non-negative integer");
    offset = *n;
  }
  auto page = read_page_request(request.query, {100, 101, "sort", "last_seen_at"});
  if (auto* error = std::get_if<std::string>(&page)) return bad(*error);
  const auto [first, sort, direction] = std::get<page_request>(std::move(page));
  const std::string filters_text = param("filters").value_or("");
  std::vector<filter> filters;
  if (!filters_text.empty()) {
    auto parsed = parse_filters(filters_text);
    if (auto* error = std::get_if<std::string>(&parsed)) return bad(*error);
    filters = std::get<std::vector<filter>>(std::move(parsed));
  }

  const auto& selected = view(fmt::format("offset|{}|{}|{}|{}|{}", sort, direction, from, to, filters_text), [&] {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = 0; i < people_.size(); ++i) {
      const whop_person& p = people_[i];
      if (p.last_seen_at < from || p.last_seen_at > to) continue;
      if (std::all_of(filters.begin(), filters.end(), [&](const filter& f) { return matches(p, f); })) out.push_back(i);
    }
    const bool descending = direction == "desc";
    std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
      const double va = *numeric_field(people_[a], sort), vb = *numeric_field(people_[b], sort);
      if (va != vb) return descending ? va > vb : va < vb;
      return people_[a].id < people_[b].id;  // a total order, so that pages never overlap
    });
    return out;
  });

  sim_reply reply;
  std::string& body = reply.body;
  body.reserve(static_cast<std::size_t>(first) * 700);
  body += "{\"data\":[";
  const auto begin = static_cast<std::size_t>(std::min<std::int64_t>(offset, static_cast<std::int64_t>(selected.size())));
  const auto end = std::min(selected.size(), begin + static_cast<std::size_t>(first));
  for (std::size_t i = begin; i < end; ++i) {
    if (i != begin) body += ',';
    body += serialized(selected[i]);
  }
  const std::string total = options_.total_count_override.is_null() ? std::to_string(selected.size())
                                                                    : boost::json::serialize(options_.total_count_override);
  body += fmt::format("],\"total_count\":{}}}", total);
  return reply;
}

sim_reply whop_api::list_cursor(const sim_request& request) {
  const auto param = [&](std::string_view name) { return query_value(request.query, name); };
  const auto bad = [](std::string message) { return whop_error(400, "invalid_request_error", message); };

  auto page = read_page_request(request.query, {10, 100, "order", "first_seen_at"});
  if (auto* error = std::get_if<std::string>(&page)) return bad(*error);
  const auto [first, order, direction] = std::get<page_request>(std::move(page));
  const bool descending = direction == "desc";
  auto parsed = parse_people_query(request.query);
  if (auto* error = std::get_if<std::string>(&parsed)) return bad(*error);
  const people_query query = std::get<people_query>(std::move(parsed));
  std::optional<cursor_position> after;
  if (const auto v = param("after")) {
    after = decode_cursor(*v);
    if (!after) return bad("after is not a valid cursor");
    if (after->order != order || after->direction != direction) return bad("after is a cursor of another order");
  }

  const auto key_of = [&](std::uint32_t i) { return *numeric_field(people_[i], order); };
  const auto& selected = view(fmt::format("cursor|{}|{}|{}", order, direction, query.canonical), [&] {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = 0; i < people_.size(); ++i) {
      if (matches(people_[i], query)) out.push_back(i);
    }
    std::sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
      return precedes(key_of(a), people_[a].person_id, key_of(b), people_[b].person_id, descending);
    });
    return out;
  });
  // Keyset: the page starts at the first row past the cursor's (key, id), wherever it now is.
  auto begin = selected.begin();
  if (after) {
    begin = std::partition_point(selected.begin(), selected.end(), [&](std::uint32_t i) {
      return !precedes(after->value, after->person_id, key_of(i), people_[i].person_id, descending);
    });
  }
  const auto end = begin + std::min<std::ptrdiff_t>(first, selected.end() - begin);

  sim_reply reply;
  std::string& body = reply.body;
  body.reserve(static_cast<std::size_t>(first) * 800);
  body += "{\"data\":[";
  for (auto it = begin; it != end; ++it) {
    if (it != begin) body += ',';
    body += serialized(*it);
  }
  const boost::json::value end_cursor =
      begin == end ? boost::json::value(nullptr)
                   : boost::json::value(encode_cursor({order, direction, key_of(*(end - 1)), people_[*(end - 1)].person_id}));
  body += fmt::format("],\"page_info\":{{\"end_cursor\":{},\"has_next_page\":{}}}}}", boost::json::serialize(end_cursor),
                      end != selected.end());
  return reply;
}

sim_reply whop_api::retrieve_person(const sim_request& request, const std::string& id) {
  if (auto refused = refuse(request)) return *std::move(refused);
  auto found = find(id);
  // A merged-away person answers with the profile it merged into: a different id.
  if (!found) {
    const auto vanished = merged_into_.find(id);
    if (vanished != merged_into_.end()) found = find(resolve_merged(vanished->second));
  }
  if (!found) return whop_error(404, "not_found", fmt::format("No person found for '{}'.", id));
  sim_reply reply;
  reply.body = serialized(*found);
  return reply;
}

void whop_api::erase(std::uint32_t index) {
  people_.erase(people_.begin() + index);
  json_cache_.erase(json_cache_.begin() + index);
  changed();
}

void whop_api::merge(std::uint32_t keep, std::uint32_t vanish) {
  whop_person& survivor = people_[keep];
  const whop_person& gone = people_[vanish];
  survivor.last_seen_at = std::max(survivor.last_seen_at, gone.last_seen_at);
  survivor.first_seen_at = std::min(survivor.first_seen_at, gone.first_seen_at);
  survivor.purchase_count += gone.purchase_count;
  forget_cache(keep);
  // Either of the vanished person's ids keeps answering, with the survivor.
  merged_into_[gone.id] = survivor.person_id;
  merged_into_[gone.person_id] = survivor.person_id;
  erase(vanish);
}

void whop_api::churn(std::int64_t now) {
  if (options_.churn_every <= 0 || ++list_requests_ % static_cast<std::uint64_t>(options_.churn_every) != 0) return;
  const auto random_person = [&] {
    return static_cast<std::uint32_t>(std::uniform_int_distribution<std::size_t>(0, people_.size() - 1)(rng_));
  };
  for (int i = 0; i < options_.churn_update && !people_.empty(); ++i) {
    const std::uint32_t p = random_person();
    people_[p].last_seen_at = now;  // active: in a last_seen_at desc listing it jumps to the front
    forget_cache(p);
  }
  for (int i = 0; i < options_.churn_add; ++i) {
    whop_person p;
    p.id = fmt::format("user_churn{:08}", ++churn_serial_);
    p.person_id = fmt::format("prsn_churn{:08}", churn_serial_);
    p.first_seen_at = p.last_seen_at = now;
    p.human_id = "churn-" + p.id;
    people_.push_back(std::move(p));
    json_cache_.emplace_back();
  }
  changed();  // the lookup must know the newcomers before merges consult it
  for (int i = 0; i < options_.churn_delete && !people_.empty(); ++i) erase(random_person());
  for (int i = 0; i < options_.churn_merge && people_.size() > 1; ++i) churn_one_merge(random_person());
  changed();
}

void whop_api::churn_one_merge(std::uint32_t start) {
  // Whop merges records of one human: look, from a random place, for a human with two.
  const lookup& l = index();
  for (std::size_t k = 0; k < people_.size(); ++k) {
    const auto& records = l.by_human.at(people_[(start + k) % people_.size()].human_id);
    if (records.size() < 2) continue;
    const bool first_older = people_[records[0]].first_seen_at <= people_[records[1]].first_seen_at;
    merge(first_older ? records[0] : records[1], first_older ? records[1] : records[0]);
    return;
  }
  // No human has two records left: nothing to merge, as Whop would not merge strangers.
}

std::string whop_api::control(const boost::json::object& command) {
  const auto* op = command.if_contains("op");
  if (!op || !op->is_string()) return "op is required";
  // The person an id field names, by user id, person id, email or phone.
  const auto person = [&](const char* field) -> std::optional<std::uint32_t> {
    const auto* id = command.if_contains(field);
    if (!id || !id->is_string()) return std::nullopt;
    const auto found = find(std::string(id->get_string()));
    if (found) forget_cache(*found);
    return found;
  };

  if (op->get_string() == "add") {
    const auto* added = command.if_contains("person");
    if (!added || !added->is_object()) return "person is required";
    const auto& o = added->get_object();
    whop_person p;
    if (!o.contains("id") || !o.at("id").is_string()) return "person.id is required";
    p.id = o.at("id").get_string();
    p.person_id = o.contains("person_id") ? std::string(o.at("person_id").as_string()) : "prsn_" + p.id;
    if (o.contains("name")) p.name = text_of(o.at("name"));
    if (o.contains("email")) p.email = text_of(o.at("email"));
    if (o.contains("phone")) p.phone = text_of(o.at("phone"));
    p.first_seen_at = o.contains("first_seen_at") ? o.at("first_seen_at").to_number<std::int64_t>() : 0;
    p.last_seen_at = o.contains("last_seen_at") ? o.at("last_seen_at").to_number<std::int64_t>() : p.first_seen_at;
    p.purchase_count = o.contains("purchase_count") ? o.at("purchase_count").to_number<std::int64_t>() : 0;
    p.human_id = o.contains("human_id") ? std::string(o.at("human_id").as_string()) : "h_" + p.id;
    people_.push_back(std::move(p));
    json_cache_.emplace_back();
  } else if (op->get_string() == "update") {
    const auto p = person("id");
    if (!p) return "no person with that id";
    const auto* fields = command.if_contains("fields");
    if (!fields || !fields->is_object()) return "fields is required";
    whop_person& target = people_[*p];
    const whop_person before = target;
    for (const auto& [k, v] : fields->get_object()) {
      if (k == "name") target.name = text_of(v);
      else if (k == "phone") target.phone = text_of(v);
      else if (k == "email") target.email = text_of(v);
      else if (k == "last_seen_at") target.last_seen_at = v.to_number<std::int64_t>();
      else if (k == "purchase_count") target.purchase_count = v.to_number<std::int64_t>();
      else if (k == "ltv") target.ltv = v.to_number<double>();
      else return fmt::format("field '{}' cannot be updated here", std::string_view(k));
    }
    contacts_changed(*p, before);
    return "";
  } else if (op->get_string() == "change_email") {
    const auto p = person("id");
    if (!p) return "no person with that id";
    const auto* email = command.if_contains("email");
    if (!email) return "email is required";
    const whop_person before = people_[*p];
    people_[*p].email = text_of(*email);
    contacts_changed(*p, before);
    return "";
  } else if (op->get_string() == "delete") {
    const auto p = person("id");
    if (!p) return "no person with that id";
    erase(*p);
  } else if (op->get_string() == "merge") {
    const auto keep = person("keep");
    const auto vanish = person("vanish");
    if (!keep || !vanish || *keep == *vanish) return "keep and vanish must name two live people";
    merge(*keep, *vanish);
  } else {
    return "op must be add, update, change_email, delete or merge";
  }
  changed();
  return "";
}

std::string whop_api::settings(const boost::json::object& changes) {
  static constexpr std::array<std::pair<std::string_view, int whop_api_options::*>, 5> counts{{
      {"churn_every", &whop_api_options::churn_every},
      {"churn_update", &whop_api_options::churn_update},
      {"churn_add", &whop_api_options::churn_add},
      {"churn_delete", &whop_api_options::churn_delete},
      {"churn_merge", &whop_api_options::churn_merge},
  }};
  for (const auto& [k, v] : changes) {
    const auto count = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == k; });
    if (count != counts.end() && v.is_int64() && v.get_int64() >= 0) {
      options_.*(count->second) = static_cast<int>(v.get_int64());
    } else if (k == "api" && v.is_string() && (v.get_string() == "cursor" || v.get_string() == "offset")) {
      options_.api = v.get_string();
    } else if (k == "id_reading" && v.is_string() && (v.get_string() == "id_is_person" || v.get_string() == "id_is_user")) {
      options_.id_is_person = v.get_string() == "id_is_person";
    } else if (k == "id_is_person" && v.is_bool()) {
      options_.id_is_person = v.get_bool();
    } else if (k == "total_count_override") {
      options_.total_count_override = v;
    } else if (k == "clock_offset_seconds" && v.is_int64()) {
      options_.clock_offset_seconds = v.get_int64();
    } else if (k == "require_account_id" && v.is_bool()) {
      options_.require_account_id = v.get_bool();
    } else {
      return fmt::format("unknown or mistyped setting '{}'", std::string_view(k));
    }
  }
  // The item shape may have changed: serialize everyone afresh.
  std::fill(json_cache_.begin(), json_cache_.end(), std::string());
  return "";
}

boost::json::object whop_api::served(const whop_person& p) const {
  return options_.api == "offset" ? offset_item(p, options_.id_is_person) : cursor_item(p);
}

boost::json::object whop_api::truth() const {
  boost::json::array people;
  boost::json::object humans, humans_by_person, user_ids, merged;
  for (const whop_person& p : people_) {
    people.push_back(served(p));
    humans[p.id] = p.human_id;
    humans[p.person_id] = p.human_id;
    humans_by_person[p.person_id] = p.human_id;
    user_ids[p.person_id] = p.id;
  }
  for (const auto& [vanished, into] : merged_into_) merged[vanished] = resolve_merged(into);
  return {{"account_id", options_.account_id}, {"people", std::move(people)},
          {"humans", std::move(humans)},       {"humans_by_person", std::move(humans_by_person)},
          {"user_ids", std::move(user_ids)},   {"merged", std::move(merged)}};
}

}  // namespace personsync::fakes
