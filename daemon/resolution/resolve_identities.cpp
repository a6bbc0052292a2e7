#include "daemon/resolution/resolve_identities.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/sha256.hpp"
#include "daemon/identity/resolver.hpp"
#include "daemon/identity/upstream_split.hpp"
#include "daemon/identity/value_policy.hpp"

namespace personsync::resolution {
namespace {

using identity::identifier_kind;
using identity::identifier_value;
using store::landed_record;

// When the dirty share of the landing is above this, reading everything at once beats growing areas.
constexpr double full_resolution_share = 0.25;

// Whatever changes how records link: a change forces a full resolution.
std::string settings_hash(const identity::identity_config& config) {
  std::string text = fmt::format("{}|{}|{}|", config.phone_default_region, config.max_component_size,
                                 config.upstream_split_pins_cannot_link);
  for (const auto& v : config.blocked_values) text += "v:" + v + "|";
  for (const auto& p : config.blocked_patterns) text += "p:" + p + "|";
  for (const auto& [kind, rule] : config.kinds) {
    text += fmt::format("{}:{}:{}:{}:{}|", identity::name_of(kind), rule.enabled, rule.priority, rule.cross_source,
                        rule.max_records);
  }
  return sha256_hex(text);
}

std::vector<identifier_value> normalized_identifiers(const landed_record& r, const identity::identity_config& config) {
  std::vector<identifier_value> out;
  if (!r.live) return out;
  const boost::json::value parsed = boost::json::parse(r.identifiers_json);
  for (const auto& item : parsed.as_array()) {
    const auto& o = item.as_object();
    const auto* kind = o.if_contains("kind");
    const auto* value = o.if_contains("value");
    if (kind && value && kind->is_string() && value->is_string()) {
      identity::normalize_identifier(kind->get_string(), value->get_string(), config, out);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string key_of(const landed_record& r) { return store::record_key(r.source, r.scope, r.source_key); }

// The records of one resolution and everything the resolver needs to know about them.
class area {
 public:
  area(store::identity_store& store, const identity::identity_config& config, const identity::value_policy& policy,
       const std::vector<store::active_constraint>& constraints)
      : store_(store), config_(config), policy_(policy), constraints_(constraints) {}

  void add(landed_record&& r) {
    auto ids = normalized_identifiers(r, config_);
    const std::int64_t id = r.record_id;
    normalized_.emplace(id, std::move(ids));
    records_.emplace(id, std::move(r));
  }

  // Grows from `seeds` until closed: every record sharing a linkable value, every
  // record of an old person of the area, absorbing records, constraint partners.
  void grow(const std::vector<std::int64_t>& seeds) {
    std::vector<std::int64_t> to_visit, missing;
    for (std::int64_t id : seeds) (records_.contains(id) ? to_visit : missing).push_back(id);
    load(missing, to_visit);
    while (!to_visit.empty()) {
      std::vector<std::string> values, persons, keys;
      for (std::int64_t id : to_visit) {
        const landed_record& r = records_.at(id);
        if (r.person) persons.push_back(*r.person);
        if (r.merged_into) keys.push_back(store::record_key(r.source, r.scope, *r.merged_into));
        const std::string key = key_of(r);
        for (const store::active_constraint& c : constraints_) {
          if (c.record_a == key) keys.push_back(c.record_b);
          if (c.record_b == key) keys.push_back(c.record_a);
        }
        for (const identifier_value& v : normalized_.at(id)) {
          if (looked_up_.emplace(identity::link_space(v.kind), v.value).second) values.push_back(v.value);
        }
      }
      std::set<std::int64_t> next;
      for (std::int64_t id : linkable_holders(values)) next.insert(id);
      for (std::int64_t id : store_.records_of_persons(persons)) next.insert(id);
      for (std::int64_t id : store_.ids_of_keys(keys)) next.insert(id);
      std::vector<std::int64_t> frontier;
      for (std::int64_t id : next) {
        if (!records_.contains(id)) frontier.push_back(id);
      }
      to_visit.clear();
      load(frontier, to_visit);
    }
  }

  // Constraints are read by the caller, after any pins this resolution added.
  identity::resolution_input input(const std::map<std::int64_t, bool>& dirty,
                                   const std::map<std::int64_t, identity::cause>& split_causes,
                                   const std::vector<store::active_constraint>& constraints) const {
    identity::resolution_input in;
    std::set<std::string> persons;
    in.records.reserve(records_.size());
    for (const auto& [id, r] : records_) {
      identity::record_evidence e;
      e.key = key_of(r);
      e.source = r.source;
      e.first_seen = r.first_seen;
      e.live = r.live;
      e.identifiers = normalized_.at(id);
      e.previous_person = r.person;
      if (r.merged_into) e.merged_into = store::record_key(r.source, r.scope, *r.merged_into);
      if (const auto d = dirty.find(id); d != dirty.end()) {
        e.cause = d->second                 ? identity::cause::manual
                  : !r.live && r.merged_into ? identity::cause::upstream_merge
                  : !r.live                  ? identity::cause::record_deleted
                  : !r.person                ? identity::cause::new_record
                                             : identity::cause::rule;
      }
      if (const auto s = split_causes.find(id); s != split_causes.end()) e.cause = std::max(e.cause, s->second);
      if (r.person) persons.insert(*r.person);
      in.records.push_back(std::move(e));
    }
    in.persons = store_.persons({persons.begin(), persons.end()});
    for (const store::active_constraint& c : constraints) {
      if (c.kind == "must_link") in.must_link.push_back({c.record_a, c.record_b});
      if (c.kind == "cannot_link") in.cannot_link.push_back({c.record_a, c.record_b});
    }
    for (const auto& [value, count] : degrees_) in.degrees.push_back({value, count});
    return in;
  }

  [[nodiscard]] std::vector<std::int64_t> ids() const {
    std::vector<std::int64_t> out;
    out.reserve(records_.size());
    for (const auto& [id, r] : records_) out.push_back(id);
    return out;
  }
  [[nodiscard]] const std::map<std::int64_t, landed_record>& records() const { return records_; }
  [[nodiscard]] const std::vector<identifier_value>& identifiers(std::int64_t id) const { return normalized_.at(id); }

 private:
  void load(const std::vector<std::int64_t>& ids, std::vector<std::int64_t>& loaded) {
    for (landed_record& r : store_.records(ids)) {
      loaded.push_back(r.record_id);
      add(std::move(r));
    }
  }

  // Holders of the values, except through a value that may not link (blocked, or held by too many).
  std::vector<std::int64_t> linkable_holders(const std::vector<std::string>& values) {
    std::map<std::pair<int, std::string>, std::vector<store::stored_identifier>> groups;
    for (store::stored_identifier& s : store_.holders_of(values)) {
      const auto space = std::pair(identity::link_space(s.value.kind), s.value.value);
      if (looked_up_.contains(space)) groups[space].push_back(std::move(s));
    }
    std::vector<std::int64_t> out;
    for (const auto& [space, holders] : groups) {
      const identifier_value& first = holders.front().value;
      if (policy_.blocked(first.kind, first.value)) continue;
      int limit = std::numeric_limits<int>::max();
      for (const auto& h : holders) limit = std::min(limit, config_.kinds.at(h.value.kind).max_records);
      degrees_[first] = static_cast<std::int64_t>(holders.size());
      if (static_cast<std::int64_t>(holders.size()) > limit) continue;
      for (const auto& h : holders) out.push_back(h.record_id);
    }
    return out;
  }

  store::identity_store& store_;
  const identity::identity_config& config_;
  const identity::value_policy& policy_;
  const std::vector<store::active_constraint>& constraints_;
  std::map<std::int64_t, landed_record> records_;
  std::map<std::int64_t, std::vector<identifier_value>> normalized_;
  std::set<std::pair<int, std::string>> looked_up_;
  std::map<identifier_value, std::int64_t> degrees_;
};

identity::value_policy policy_with_blocks(const identity::identity_config& config,
                                          const std::vector<store::active_constraint>& constraints) {
  identity::value_policy policy(config);
  for (const store::active_constraint& c : constraints) {
    if (c.kind != "block_value" || !c.value) continue;
    policy.block(c.value_kind ? identity::kind_named(*c.value_kind) : std::nullopt, *c.value);
  }
  return policy;
}

std::vector<std::string> distinct_ids_of(const std::vector<identifier_value>& values) {
  std::vector<std::string> out;
  for (const identifier_value& v : values) {
    if (v.kind == identifier_kind::posthog_distinct_id) out.push_back(v.value);
  }
  return out;
}

// PostHog records among the dirty ones that lost distinct ids to split-off persons: pinned
// apart when configured, and the cause of what follows.
std::map<std::int64_t, identity::cause> follow_upstream_splits(store::identity_store& store,
                                                               const identity::identity_config& config, const area& a,
                                                               const std::map<std::int64_t, bool>& dirty) {
  std::vector<std::int64_t> posthog_dirty;
  for (const auto& [id, manual] : dirty) {
    const auto it = a.records().find(id);
    if (it != a.records().end() && it->second.source == "posthog" && it->second.live) posthog_dirty.push_back(id);
  }
  std::map<std::int64_t, std::vector<std::string>> before;
  for (const store::stored_identifier& s : store.identifiers_of(posthog_dirty)) {
    if (s.value.kind == identifier_kind::posthog_distinct_id) before[s.record_id].push_back(s.value.value);
  }
  std::map<std::string, std::int64_t> id_of_key;
  for (const auto& [id, r] : a.records()) id_of_key.emplace(key_of(r), id);
  std::map<std::int64_t, identity::cause> causes;
  for (const auto& [id, old_ids] : before) {
    const landed_record& r = a.records().at(id);
    for (const identity::split_off& s : identity::split_offs(r.scope, old_ids, distinct_ids_of(a.identifiers(id)))) {
      const std::string off_key = store::record_key("posthog", r.scope, s.uuid);
      const auto off = id_of_key.find(off_key);
      if (off == id_of_key.end()) continue;
      causes[id] = causes[off->second] = identity::cause::upstream_split;
      if (!config.upstream_split_pins_cannot_link) continue;
      store::active_constraint pin;
      pin.kind = "cannot_link";
      pin.record_a = key_of(r);
      pin.record_b = off_key;
      pin.actor = "posthog";
      pin.reason = fmt::format("PostHog split distinct id '{}' off this person", s.distinct_id);
      pin.cause = "upstream_split";
      store.add_constraint(pin);
      spdlog::info("upstream split: {} lost distinct id to {}; pinned apart", pin.record_a, off_key);
    }
  }
  return causes;
}

std::vector<store::stored_identifier> identifier_rows(const area& a, const std::vector<std::int64_t>& ids) {
  std::vector<store::stored_identifier> rows;
  for (std::int64_t id : ids) {
    for (const identifier_value& v : a.identifiers(id)) rows.push_back({id, v});
  }
  return rows;
}

// Resolves; new ids that collide with retired persons outside the area are reserved and it runs again.
identity::resolution resolve_avoiding_collisions(store::identity_store& store, identity::resolution_input& in,
                                                const identity::identity_config& config,
                                                const identity::value_policy& policy) {
  for (;;) {
    identity::resolution result = identity::resolve(in, config, policy);
    std::vector<std::string> new_ids;
    for (const auto& p : result.persons) {
      if (p.is_new) new_ids.push_back(p.id);
    }
    const auto taken = store.existing_persons(new_ids);
    if (taken.empty()) return result;
    in.reserved_ids.insert(taken.begin(), taken.end());
  }
}

}  // namespace

store::resolution_summary resolve_identities(soci::session& session, const identity::identity_config& config,
                                             resolve_options options) {
  soci::transaction tx(session);
  store::identity_store store(session);
  store.lock();
  const std::string hash = settings_hash(config);
  const auto last_hash = store.last_settings_hash();
  std::map<std::int64_t, bool> dirty;
  for (const auto& [id, manual] : store.take_dirty()) dirty[id] = dirty[id] || manual;
  const std::int64_t live = store.live_record_count();
  const bool full = options.force_full || last_hash != hash ||
                    static_cast<double>(dirty.size()) > full_resolution_share * static_cast<double>(live);
  if (!full && dirty.empty()) {
    tx.commit();
    return {.mode = "incremental"};
  }

  const auto constraints = store.constraints();
  const identity::value_policy policy = policy_with_blocks(config, constraints);
  area a(store, config, policy, constraints);
  std::vector<std::int64_t> dirty_ids;
  for (const auto& [id, manual] : dirty) dirty_ids.push_back(id);

  std::map<std::int64_t, identity::cause> split_causes;
  if (full) {
    store.each_record([&](landed_record&& r) { a.add(std::move(r)); });
    if (last_hash) split_causes = follow_upstream_splits(store, config, a, dirty);
    store.replace_all_identifiers(identifier_rows(a, a.ids()));
  } else {
    for (landed_record& r : store.records(dirty_ids)) a.add(std::move(r));
    split_causes = follow_upstream_splits(store, config, a, dirty);
    std::vector<std::int64_t> present;
    for (std::int64_t id : dirty_ids) {
      if (a.records().contains(id)) present.push_back(id);
    }
    store.replace_identifiers(present, identifier_rows(a, present));
    std::vector<std::int64_t> seeds;
    for (const auto& [id, r] : a.records()) seeds.push_back(id);
    a.grow(seeds);
  }
  // Pins an upstream split wrote above apply at once.
  identity::resolution_input in = a.input(dirty, split_causes, store.constraints());
  const identity::resolution result = resolve_avoiding_collisions(store, in, config, policy);
  store::resolution_summary summary =
      store.write(full ? "full" : "incremental", hash, dirty.size(), in.records, a.ids(), result);
  tx.commit();
  return summary;
}

identity::value_policy current_policy(soci::session& session, const identity::identity_config& config) {
  store::identity_store store(session);
  return policy_with_blocks(config, store.constraints());
}

resolved_area resolve_around(soci::session& session, const identity::identity_config& config,
                             const identity::value_policy& policy, const std::vector<std::int64_t>& seed_records) {
  store::identity_store store(session);
  const auto constraints = store.constraints();
  area a(store, config, policy, constraints);
  a.grow(seed_records);
  resolved_area out;
  out.input = a.input({}, {}, constraints);
  out.record_ids = a.ids();
  out.result = identity::resolve(out.input, config, policy);
  return out;
}

}  // namespace personsync::resolution
