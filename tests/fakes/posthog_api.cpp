#include "tests/fakes/posthog_api.hpp"

#include <algorithm>
#include <cmath>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fmt/format.h>

#include "common/iso_time.hpp"
#include "common/uuid.hpp"
#include "tests/fakes/ascii.hpp"
#include "connectors/paging/rate_limiter.hpp"

namespace personsync::fakes {
namespace {

// PostHog's namespace for split-off persons (docs/design.md, "Identity model").
constexpr std::string_view split_namespace = "932979b4-65c3-4424-8467-0b66ec27bc22";

sim_reply error(int status, std::string_view type, std::string_view code, std::string_view detail,
                std::optional<std::string_view> attr = std::nullopt) {
  sim_reply r;
  r.status = status;
  r.body = boost::json::serialize(boost::json::object{
      {"type", type}, {"code", code}, {"detail", detail},
      {"attr", attr ? boost::json::value(*attr) : boost::json::value(nullptr)}});
  return r;
}

sim_reply not_found() { return error(404, "invalid_request", "not_found", "Not found."); }

std::optional<std::int64_t> to_int(const std::string& s) {
  try {
    std::size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used == s.size()) return v;
  } catch (...) {
  }
  return std::nullopt;
}

std::string text_of(const boost::json::object& properties, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (const auto* v = properties.if_contains(k); v && v->is_string()) return std::string(v->get_string());
  }
  return {};
}

// Anonymous distinct ids are the SDKs' generated device ids: uuids, or "anon…".
bool looks_anonymous(const std::string& d) {
  if (d.starts_with("anon")) return true;
  if (d.size() != 36) return false;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? d[i] != '-' : !std::isxdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  return true;
}

}  // namespace

bool posthog_api::index_before(const index_row& a, const index_row& b) {
  return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
}

posthog_api::posthog_api(std::vector<posthog_person> persons, posthog_api_options options)
    : options_(std::move(options)), rng_(options_.seed) {
  for (const auto& w : paging::parse_rate_limit(options_.rate_limit).value_or(std::vector<paging::rate_window>{})) {
    limits_.emplace_back(w.requests, w.period);
  }
  // Rows are collected, then sorted once: inserting each in place is quadratic at 100k persons.
  persons_.reserve(persons.size());
  index_.reserve(persons.size());
  for (auto& p : persons) {
    next_id_ = std::max(next_id_, p.id + 1);
    const std::int64_t n = add_unindexed(std::move(p));
    index_.push_back({persons_.back().created_at, persons_.back().id, n});
  }
  // Ghost rows: persons the index still lists that no longer hydrate.
  const auto ghosts = static_cast<std::size_t>(options_.ghost_share * static_cast<double>(persons_.size()));
  for (std::size_t i = 0; i < ghosts; ++i) {
    const auto& anchor = persons_[std::uniform_int_distribution<std::size_t>(0, persons_.size() - 1)(rng_)];
    index_.push_back({anchor.created_at, next_id_++, -1});
  }
  std::sort(index_.begin(), index_.end(), &posthog_api::index_before);
}

void posthog_api::insert_row(const index_row& row) {
  const auto at = std::lower_bound(index_.begin(), index_.end(), row, &posthog_api::index_before);
  index_.insert(at, row);
}

std::int64_t posthog_api::add(posthog_person p) {
  const std::int64_t n = add_unindexed(std::move(p));
  insert_row({persons_.back().created_at, persons_.back().id, n});
  return n;
}

std::int64_t posthog_api::add_unindexed(posthog_person p) {
  if (p.id == 0) p.id = next_id_++;
  const auto n = static_cast<std::int64_t>(persons_.size());
  for (const auto& d : p.distinct_ids) by_distinct_id_[d] = n;
  by_uuid_[p.uuid] = n;
  by_id_[p.id] = n;
  persons_.push_back(std::move(p));
  alive_.push_back(true);
  return n;
}

void posthog_api::remove(std::int64_t person) {
  alive_[static_cast<std::size_t>(person)] = false;
  for (const auto& d : persons_[static_cast<std::size_t>(person)].distinct_ids) {
    if (by_distinct_id_[d] == person) by_distinct_id_.erase(d);
  }
  const posthog_person& p = persons_[static_cast<std::size_t>(person)];
  by_uuid_.erase(p.uuid);
  by_id_.erase(p.id);
  // The row sits where its (created_at, id) sorts: found by bisection, not by a scan.
  const index_row probe{p.created_at, p.id, person};
  const auto at = std::lower_bound(index_.begin(), index_.end(), probe, &posthog_api::index_before);
  if (at != index_.end() && at->person == person) index_.erase(at);
}

std::int64_t posthog_api::find(const std::string& id_or_uuid) const {
  // The real retrieve takes the uuid or the integer id.
  if (const auto it = by_uuid_.find(id_or_uuid); it != by_uuid_.end()) return it->second;
  if (const auto id = to_int(id_or_uuid)) {
    if (const auto it = by_id_.find(*id); it != by_id_.end()) return it->second;
  }
  return -1;
}

void posthog_api::merge(std::int64_t keep, std::int64_t vanish) {
  auto& kept = persons_[static_cast<std::size_t>(keep)];
  const auto gone = persons_[static_cast<std::size_t>(vanish)];
  remove(vanish);
  for (const auto& d : gone.distinct_ids) {
    kept.distinct_ids.push_back(d);
    by_distinct_id_[d] = keep;
  }
  // Distinct ids moved; properties and version did not: updated_after does not see it.
}

void posthog_api::split(std::int64_t person, const std::optional<std::string>& main_distinct_id) {
  auto& p = persons_[static_cast<std::size_t>(person)];
  if (p.distinct_ids.size() < 2) return;
  const std::string main = main_distinct_id.value_or(p.distinct_ids.front());
  std::vector<std::string> leaving;
  for (const auto& d : p.distinct_ids) {
    if (d != main) leaving.push_back(d);
  }
  p.distinct_ids = {main};
  const std::int64_t now = unix_now();
  for (const auto& d : leaving) {
    posthog_person off;
    off.uuid = uuid5(split_namespace, fmt::format("{}:{}", options_.project_id, d));
    off.distinct_ids = {d};
    off.created_at = now;
    off.updated_at = now;
    off.human_id = p.human_id;  // the truth of who it is does not change with PostHog's bookkeeping
    add(std::move(off));
  }
}

void posthog_api::apply_due_writes() {
  for (auto& w : pending_) --w.requests_left;
  while (!pending_.empty() && pending_.front().requests_left <= 0) {
    const pending_write w = std::move(pending_.front());
    pending_.pop_front();
    if (!alive_[static_cast<std::size_t>(w.person)]) continue;
    auto& p = persons_[static_cast<std::size_t>(w.person)];
    if (w.kind == "split") {
      const auto* main = w.args.if_contains("main_distinct_id");
      split(w.person, main && main->is_string() ? std::optional<std::string>(std::string(main->get_string())) : std::nullopt);
      continue;
    }
    if (w.kind == "patch") {
      if (const auto* props = w.args.if_contains("properties"); props && props->is_object()) {
        for (const auto& [k, v] : props->get_object()) p.properties[k] = v;
      }
    } else if (w.kind == "update_property") {
      p.properties[std::string(w.args.at("key").as_string())] = w.args.at("value");
    } else if (w.kind == "delete_property") {
      p.properties.erase(std::string(w.args.at("key").as_string()));
    }
    p.updated_at = unix_now();
  }
}

void posthog_api::churn() {
  if (options_.churn_every <= 0 || ++list_requests_ % static_cast<std::uint64_t>(options_.churn_every) != 0) return;
  const std::int64_t now = unix_now();
  for (int i = 0; i < options_.churn_create; ++i) {
    posthog_person p;
    p.uuid = random_uuid(rng_);
    p.distinct_ids = {random_uuid(rng_)};
    p.properties["plan"] = "free";
    p.created_at = now;
    p.updated_at = now;
    p.human_id = "churn-" + p.uuid;
    add(std::move(p));
  }
  for (int i = 0; i < options_.churn_delete && !by_uuid_.empty(); ++i) remove(random_live_person());
  for (int i = 0; i < options_.churn_merge; ++i) churn_one_merge();
  for (int i = 0; i < options_.churn_split; ++i) churn_one_split();
}

void posthog_api::churn_one_merge() {
  // PostHog merges when an identify call names two persons as one: persons of one human.
  if (persons_.empty()) return;
  const std::size_t start = std::uniform_int_distribution<std::size_t>(0, persons_.size() - 1)(rng_);
  std::unordered_map<std::string, std::int64_t> seen;  // human → the first live person met
  for (std::size_t k = 0; k < persons_.size(); ++k) {
    const std::size_t i = (start + k) % persons_.size();
    if (!alive_[i]) continue;
    const auto [first, inserted] = seen.emplace(persons_[i].human_id, static_cast<std::int64_t>(i));
    if (!inserted) return merge(first->second, static_cast<std::int64_t>(i));
  }
}

void posthog_api::churn_one_split() {
  if (persons_.empty()) return;
  const std::size_t start = std::uniform_int_distribution<std::size_t>(0, persons_.size() - 1)(rng_);
  for (std::size_t k = 0; k < persons_.size(); ++k) {
    const std::size_t i = (start + k) % persons_.size();
    if (alive_[i] && persons_[i].distinct_ids.size() > 1) return split(static_cast<std::int64_t>(i), std::nullopt);
  }
}

std::int64_t posthog_api::random_live_person() {
  // A random row, then the next one that is not a ghost: O(1) expected, no list of candidates.
  const std::size_t start = std::uniform_int_distribution<std::size_t>(0, index_.size() - 1)(rng_);
  for (std::size_t k = 0; k < index_.size(); ++k) {
    const index_row& row = index_[(start + k) % index_.size()];
    if (row.person >= 0) return row.person;
  }
  return -1;
}

std::optional<sim_reply> posthog_api::throttle(std::size_t key, double now_ms) {
  auto& log = key_log_[key];
  double longest = 0;
  for (const auto& [n, window] : limits_) longest = std::max(longest, static_cast<double>(window.count()));
  while (!log.empty() && now_ms - log.front() >= longest) log.pop_front();
  double wait_ms = 0;
  for (const auto& [n, window] : limits_) {
    const double w = static_cast<double>(window.count());
    const auto inside = static_cast<std::size_t>(std::count_if(log.begin(), log.end(), [&](double t) { return now_ms - t < w; }));
    if (inside >= n) wait_ms = std::max(wait_ms, *(log.end() - static_cast<std::ptrdiff_t>(n)) + w - now_ms);
  }
  if (wait_ms > 0) {
    const auto seconds = static_cast<long long>(std::ceil(wait_ms / 1000.0));
    sim_reply r = error(429, "throttled_error", "throttled",
                        fmt::format("Request was throttled. Expected available in {} seconds.", seconds));
    r.headers.emplace_back("Retry-After", std::to_string(seconds));
    return r;
  }
  log.push_back(now_ms);
  return std::nullopt;
}

sim_reply posthog_api::handle(const sim_request& request, double now_ms) {
  // /api/projects/{project}/persons/[{id}/[{action}/]]
  std::vector<std::string> parts;
  for (std::size_t start = 1; start < request.path.size();) {
    const std::size_t slash = request.path.find('/', start);
    parts.push_back(request.path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (!parts.empty() && parts.back().empty()) parts.pop_back();
  if (parts.size() < 4 || parts[0] != "api" || parts[1] != "projects" || parts[3] != "persons") return not_found();

  if (!request.authorization.starts_with("Bearer ")) {
    return error(401, "authentication_error", "not_authenticated", "Authentication credentials were not provided.");
  }
  const std::string token = request.authorization.substr(7);
  const auto key = std::find(options_.tokens.begin(), options_.tokens.end(), token);
  if (key == options_.tokens.end()) {
    return error(401, "authentication_error", "authentication_failed", "Personal API key found in request is invalid.");
  }
  if (parts[2] != std::to_string(options_.project_id)) {
    return error(403, "authentication_error", "permission_denied", "You don't have access to the project.");
  }
  if (auto throttled = throttle(static_cast<std::size_t>(key - options_.tokens.begin()), now_ms)) return *throttled;
  apply_due_writes();

  if (parts.size() == 4 && request.method == "GET") return list(request, request.host);
  if (parts.size() == 5 && request.method == "GET") return retrieve(parts[4]);
  if (parts.size() == 5 && request.method == "PATCH") return write(request, parts[4], "patch");
  if (parts.size() == 5 && request.method == "DELETE") {
    const std::int64_t person = find(parts[4]);
    if (person < 0) return not_found();
    remove(person);
    sim_reply r;
    r.status = 204;
    return r;
  }
  if (parts.size() == 6 && request.method == "POST") return write(request, parts[4], parts[5]);
  return not_found();
}

sim_reply posthog_api::list(const sim_request& request, const std::string& host) {
  churn();
  const auto param = [&](const char* name) -> std::optional<std::string> {
    const auto it = request.query.find(name);
    return it == request.query.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  std::int64_t limit = 100, offset = 0;
  if (const auto v = param("limit")) {
    const auto n = to_int(*v);
    if (!n || *n < 1) return error(400, "validation_error", "invalid_input", "A valid integer is required.", "limit");
    limit = *n;
  }
  if (const auto v = param("offset")) {
    const auto n = to_int(*v);
    if (!n || *n < 0) return error(400, "validation_error", "invalid_input", "A valid integer is required.", "offset");
    offset = *n;
  }
  std::optional<std::int64_t> updated_after;
  if (const auto v = param("updated_after")) {
    if (const auto t = parse_iso_seconds(*v)) updated_after = unix_seconds(*t);
    if (!updated_after) return error(400, "validation_error", "invalid_input", "Invalid datetime.", "updated_after");
  }
  std::optional<boost::json::array> property_filters;
  if (const auto v = param("properties")) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(*v, ec);
    if (ec || !parsed.is_array()) return error(400, "validation_error", "invalid_input", "Invalid properties.", "properties");
    property_filters = parsed.get_array();
  }
  const auto distinct_id = param("distinct_id");
  const auto email = param("email");
  const auto search = param("search");

  const auto keep = [&](const index_row& row) {
    if (row.person < 0) return false;  // ghosts appear only in plain listings
    const posthog_person& p = persons_[static_cast<std::size_t>(row.person)];
    if (updated_after && p.updated_at <= *updated_after) return false;
    if (distinct_id && std::find(p.distinct_ids.begin(), p.distinct_ids.end(), *distinct_id) == p.distinct_ids.end()) return false;
    if (email && text_of(p.properties, {"email", "$email"}) != *email) return false;
    if (search && ascii_lower(text_of(p.properties, {"email", "$email"})).find(ascii_lower(*search)) == std::string::npos &&
        std::find(p.distinct_ids.begin(), p.distinct_ids.end(), *search) == p.distinct_ids.end()) {
      return false;
    }
    if (property_filters) {
      for (const auto& f : *property_filters) {
        if (!f.is_object() || !f.get_object().contains("key")) return false;
        const auto* v = p.properties.if_contains(f.get_object().at("key").as_string());
        if (!v || *v != f.get_object().at("value")) return false;
      }
    }
    return true;
  };

  // A plain listing pages the index itself; a filtered one pages what the filter kept.
  const bool filtered = updated_after || distinct_id || email || search || property_filters;
  std::vector<const index_row*> selected;
  if (filtered) {
    for (const auto& row : index_) {
      if (keep(row)) selected.push_back(&row);
    }
  }
  const std::size_t view_size = filtered ? selected.size() : index_.size();
  const auto view_at = [&](std::size_t i) { return filtered ? selected[i] : &index_[i]; };
  boost::json::array results;
  const auto begin = static_cast<std::size_t>(std::min<std::int64_t>(offset, static_cast<std::int64_t>(view_size)));
  const auto end = std::min(view_size, begin + static_cast<std::size_t>(limit));
  std::vector<const posthog_person*> rows;
  for (std::size_t i = begin; i < end; ++i) {
    if (view_at(i)->person >= 0) rows.push_back(&persons_[static_cast<std::size_t>(view_at(i)->person)]);
  }
  if (options_.reorder_page_rows) {
    std::sort(rows.begin(), rows.end(), [](const posthog_person* a, const posthog_person* b) {
      return a->created_at != b->created_at ? a->created_at > b->created_at : a->uuid < b->uuid;
    });
  }
  for (const posthog_person* row : rows) results.push_back(options_.list_integer_ids ? to_json(*row) : list_item_json(*row));
  const bool full_page = end - begin == static_cast<std::size_t>(limit);  // before hydration dropped any row

  const std::string origin = options_.next_origin_override.empty() ? "http://" + host : options_.next_origin_override;
  const auto link = [&](std::int64_t at) {
    std::string query;
    for (const auto& [k, v] : request.query) {
      if (k == "offset" || k == "limit" || k == "include_total") continue;
      query += fmt::format("{}={}&", k, boost::urls::encode(v, boost::urls::unreserved_chars));
    }
    return fmt::format("{}{}?{}limit={}&offset={}", origin, request.path, query, limit, at);
  };
  boost::json::object page;
  page["next"] = full_page ? boost::json::value(link(offset + limit)) : boost::json::value(nullptr);
  // Real: `previous` lags a page behind where it should point.
  const std::int64_t previous = std::max<std::int64_t>(0, offset - (options_.stale_previous ? 2 : 1) * limit);
  page["previous"] = offset > 0 ? boost::json::value(link(previous)) : nullptr;
  const bool total_asked = param("include_total") == "true";
  if (options_.count_mode == "total" || total_asked) {
    page["count"] = static_cast<std::int64_t>(view_size);
  } else if (options_.count_mode == "page_length") {
    page["count"] = static_cast<std::int64_t>(results.size());
  }
  page["results"] = std::move(results);
  sim_reply reply;
  reply.body = boost::json::serialize(page);
  return reply;
}

sim_reply posthog_api::retrieve(const std::string& id) {
  const std::int64_t person = find(id);
  if (person < 0) return not_found();
  sim_reply reply;
  reply.body = boost::json::serialize(to_json(persons_[static_cast<std::size_t>(person)]));
  return reply;
}

sim_reply posthog_api::write(const sim_request& request, const std::string& id, const std::string& action) {
  const std::int64_t person = find(id);
  if (person < 0) return not_found();
  boost::json::object args;
  if (!request.body.empty()) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(request.body, ec);
    if (ec || !parsed.is_object()) return error(400, "validation_error", "parse_error", "JSON parse error.");
    args = parsed.get_object();
  }
  sim_reply reply;
  if (action == "split") {
    pending_.push_back({options_.split_delay_requests, "split", person, std::move(args)});
    reply.status = 201;
    reply.body = R"({"success":true})";
    return reply;
  }
  if (action == "update_property") {
    const auto key = request.query.find("key");
    const auto value = request.query.find("value");
    if (key == request.query.end() || value == request.query.end()) {
      return error(400, "validation_error", "required", "key and value are required.", "key");
    }
    args["key"] = key->second;
    args["value"] = value->second;
  } else if (action == "delete_property") {
    const auto key = request.query.find("$unset");
    if (key == request.query.end()) return error(400, "validation_error", "required", "$unset is required.", "$unset");
    args["key"] = key->second;
  } else if (action != "patch") {
    return not_found();
  }
  pending_.push_back({options_.write_delay_requests, action, person, std::move(args)});
  const bool created = action == "delete_property" && options_.delete_property_201;
  reply.status = created ? 201 : 202;
  reply.body = created ? R"({"success":true})" : "{}";
  return reply;
}

std::string posthog_api::control(const boost::json::object& command) {
  const auto* op = command.if_contains("op");
  if (!op || !op->is_string()) return "op is required";
  const auto person_of = [&](const char* field) -> std::int64_t {
    const auto* v = command.if_contains(field);
    return v && v->is_string() ? find(std::string(v->get_string())) : -1;
  };
  if (op->get_string() == "merge") {
    const std::int64_t a = person_of("a"), b = person_of("b");
    if (a < 0 || b < 0 || a == b) return "a and b must be two live persons (uuids)";
    // The newer person vanishes into the older.
    const bool a_older = persons_[a].created_at < persons_[b].created_at ||
                         (persons_[a].created_at == persons_[b].created_at && persons_[a].id < persons_[b].id);
    merge(a_older ? a : b, a_older ? b : a);
  } else if (op->get_string() == "split") {
    const std::int64_t p = person_of("uuid");
    if (p < 0) return "no live person with that uuid";
    const auto* main = command.if_contains("main_distinct_id");
    split(p, main && main->is_string() ? std::optional<std::string>(std::string(main->get_string())) : std::nullopt);
  } else if (op->get_string() == "delete") {
    const std::int64_t p = person_of("uuid");
    if (p < 0) return "no live person with that uuid";
    remove(p);
  } else if (op->get_string() == "add") {
    const auto* person = command.if_contains("person");
    if (!person || !person->is_object()) return "person is required";
    const auto& o = person->get_object();
    posthog_person p;
    p.uuid = o.contains("uuid") ? std::string(o.at("uuid").as_string()) : random_uuid(rng_);
    if (const auto* ids = o.if_contains("distinct_ids"); ids && ids->is_array()) {
      for (const auto& d : ids->get_array()) p.distinct_ids.emplace_back(d.as_string());
    }
    if (const auto* props = o.if_contains("properties"); props && props->is_object()) p.properties = props->get_object();
    p.created_at = o.contains("created_at") ? o.at("created_at").to_number<std::int64_t>() : unix_now();
    p.updated_at = p.created_at;
    p.human_id = o.contains("human_id") ? std::string(o.at("human_id").as_string()) : "h_" + p.uuid;
    add(std::move(p));
  } else if (op->get_string() == "update") {
    const std::int64_t p = person_of("uuid");
    const auto* props = command.if_contains("properties");
    if (p < 0 || !props || !props->is_object()) return "uuid of a live person and properties are required";
    for (const auto& [k, v] : props->get_object()) persons_[p].properties[k] = v;
    persons_[p].updated_at = unix_now();
  } else {
    return "op must be merge, split, delete, add or update";
  }
  return "";
}

posthog_api_options seed_shape(posthog_api_options options) {
  options.list_integer_ids = true;
  options.reorder_page_rows = false;
  options.count_mode = "total";
  options.stale_previous = false;
  options.delete_property_201 = false;
  return options;
}

boost::json::object list_item_json(const posthog_person& p) {
  boost::json::object o = to_json(p);
  o["id"] = p.uuid;
  o["type"] = "person";
  // PostHog marks a person identified once an identify call named it: here, once it holds
  // more than one distinct id or one that is not an anonymous (uuid-shaped) device id.
  const bool identified = p.distinct_ids.size() > 1 ||
                          std::any_of(p.distinct_ids.begin(), p.distinct_ids.end(),
                                      [](const std::string& d) { return !looks_anonymous(d); });
  o["is_identified"] = identified;
  o["matched_recordings"] = boost::json::array{};
  o["value_at_data_point"] = nullptr;
  return o;
}

std::string posthog_api::settings(const boost::json::object& changes) {
  for (const auto& [k, v] : changes) {
    if (k == "churn_every" && v.is_int64()) options_.churn_every = static_cast<int>(v.get_int64());
    else if (k == "churn_create" && v.is_int64()) options_.churn_create = static_cast<int>(v.get_int64());
    else if (k == "churn_delete" && v.is_int64()) options_.churn_delete = static_cast<int>(v.get_int64());
    else if (k == "churn_merge" && v.is_int64()) options_.churn_merge = static_cast<int>(v.get_int64());
    else if (k == "churn_split" && v.is_int64()) options_.churn_split = static_cast<int>(v.get_int64());
    else if (k == "split_delay_requests" && v.is_int64()) options_.split_delay_requests = static_cast<int>(v.get_int64());
    else if (k == "next_origin_override" && v.is_string()) options_.next_origin_override = v.get_string();
    else if (k == "list_integer_ids" && v.is_bool()) options_.list_integer_ids = v.get_bool();
    else if (k == "reorder_page_rows" && v.is_bool()) options_.reorder_page_rows = v.get_bool();
    else if (k == "stale_previous" && v.is_bool()) options_.stale_previous = v.get_bool();
    else if (k == "delete_property_201" && v.is_bool()) options_.delete_property_201 = v.get_bool();
    else if (k == "count_mode" && v.is_string() &&
             (v.get_string() == "absent" || v.get_string() == "page_length" || v.get_string() == "total")) {
      options_.count_mode = v.get_string();
    }
    else if (k == "seed_shape" && v.is_bool() && v.get_bool()) options_ = seed_shape(options_);
    else return fmt::format("unknown or mistyped setting '{}'", std::string_view(k));
  }
  return "";
}

std::vector<const posthog_person*> posthog_api::live() const {
  std::vector<const posthog_person*> out;
  for (std::size_t i = 0; i < persons_.size(); ++i) {
    if (alive_[i]) out.push_back(&persons_[i]);
  }
  return out;
}

boost::json::object posthog_api::truth() const {
  boost::json::array persons;
  boost::json::object humans;
  for (const posthog_person* p : live()) {
    persons.push_back(to_json(*p));
    humans[p->uuid] = p->human_id;
  }
  return {{"project_id", options_.project_id}, {"persons", std::move(persons)}, {"humans", std::move(humans)}};
}

}  // namespace personsync::fakes
