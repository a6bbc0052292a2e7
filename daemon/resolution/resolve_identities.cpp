#include "daemon/resolution/resolve_identities.hpp"

#include <algorithm>
#include <future>
#include <iterator>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/release_in_background.hpp"
#include "common/sha256.hpp"
#include "daemon/identity/resolver.hpp"
#include "daemon/identity/upstream_split.hpp"
#include "daemon/identity/value_policy.hpp"
#include "daemon/logging/step_timer.hpp"

namespace personsync::resolution {
namespace {

using identity::identifier_kind;
using identity::identifier_value;
using store::landed_record;

// When the dirty share of the landing is above this, reading everything at once beats growing areas.
constexpr double full_resolution_share = 0.25;
// Records of an incremental area: from about here, rewriting their identifiers beside the resolver gains
// more than a thread costs the daemon.
constexpr std::size_t rewrite_worth_a_thread = 5000;

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

// The scope part of a record key ("source/scope/source_key").
std::string_view scope_of_key(std::string_view key) {
  const auto first = key.find('/'), last = key.rfind('/');
  return key.substr(first + 1, last - first - 1);
}

// The identifier rows of the queued records that went and that came since the last resolution.
struct identifier_changes {
  std::vector<store::stored_identifier> gone, added;
};

// The records of one resolution, as the resolver's evidence, and what it needs to know about them.
class area {
 public:
  area(store::identity_store& store, const identity::identity_config& config, const identity::value_policy& policy,
       const std::vector<store::active_constraint>& constraints)
      : store_(store), config_(config), policy_(policy), constraints_(constraints) {}

  // Room for `n` records at once: growing by doubling moved and page-faulted a full resolution's
  // records twice over.
  void reserve(std::size_t n) {
    evidence_.reserve(n);
    facts_.reserve(n);
    ids_.reserve(n);
  }

  void add(landed_record&& r) {
    identity::record_evidence e;
    e.identifiers = normalized_identifiers(r, config_);
    e.key = key_of(r);
    e.source = std::move(r.source);
    e.first_seen = r.first_seen;
    e.live = r.live;
    e.previous_person = std::move(r.person);
    if (r.merged_into) e.merged_into = store::record_key(e.source, r.scope, *r.merged_into);
    ids_.push_back(r.record_id);
    evidence_.push_back(std::move(e));
    facts_.push_back(std::move(r.facts));
    id_of_key_.clear();  // its views may point into moved strings now
  }

  // Grows from `seeds` until closed: every record of an old person of the area, absorbing records,
  // constraint partners, and the holders of each value that may be held beyond its person: one the
  // seeds gained, one they lost, or one of the area's, when it is stored as crossing. Any other value
  // is held within one person (see identity::resolution::crossing), whose records come in whole:
  // looking up every value of the area found nothing more, and was two thirds of growing it.
  // `unwritten`: the seeds' changes, not yet in the store: the holders found are corrected by them.
  void grow(const std::vector<std::int64_t>& seeds, const identifier_changes& unwritten = {}) {
    std::vector<std::int64_t> to_visit, missing;
    for (std::int64_t id : seeds) (contains(id) ? to_visit : missing).push_back(id);
    load(missing, to_visit);
    std::vector<std::string> values;
    for (const store::stored_identifier& s : unwritten.added) {
      look_up(s.value, values);
      unwritten_added_[s.value.value].push_back(s);
    }
    for (const store::stored_identifier& s : unwritten.gone) {
      if (crossing(s.value)) look_up(s.value, values);
      unwritten_gone_.emplace(s.record_id, s.value);
    }
    logging::step_timer timed("resolution");
    while (!to_visit.empty()) {
      std::vector<std::string> persons, keys;
      for (std::int64_t id : to_visit) {
        const identity::record_evidence& e = evidence(id);
        if (e.previous_person && persons_loaded_.insert(*e.previous_person).second) persons.push_back(*e.previous_person);
        if (e.merged_into) keys.push_back(*e.merged_into);
        for (const store::active_constraint& c : constraints_) {
          if (c.record_a == e.key) keys.push_back(c.record_b);
          if (c.record_b == e.key) keys.push_back(c.record_a);
        }
        for (const identifier_value& v : e.identifiers) {
          if (crossing(v)) look_up(v, values);
        }
      }
      std::set<std::int64_t> next;
      for (std::int64_t id : linkable_holders(values)) next.insert(id);
      timed(fmt::format("holders of {} values", values.size()));
      values.clear();
      for (std::int64_t id : store_.records_of_persons(persons)) next.insert(id);
      timed(fmt::format("records of {} persons", persons.size()));
      for (std::int64_t id : store_.ids_of_keys(keys)) next.insert(id);
      std::vector<std::int64_t> frontier;
      for (std::int64_t id : next) {
        if (!contains(id)) frontier.push_back(id);
      }
      to_visit.clear();
      load(frontier, to_visit);
      timed(fmt::format("loading {} records", frontier.size()));
    }
  }

  // The values marked as crossing when the area grew: an incremental resolution updates the marks of its own.
  [[nodiscard]] const std::set<identifier_value>& crossing_before() const { return crossing_before_; }

  // The facts' texts of the records read by store.each_record. A record that arrived since has no
  // place and is left to the resolution its arrival queued; one deleted since keeps none.
  void read_texts(store::identity_store& store) {
    std::vector<std::pair<std::int64_t, std::size_t>> position;  // sorted: a million ids in 16 MB
    position.reserve(ids_.size());
    for (std::size_t i = 0; i < ids_.size(); ++i) position.emplace_back(ids_[i], i);
    std::sort(position.begin(), position.end());
    store.each_record_text([&](std::int64_t id, store::identity_store::record_text&& text) {
      const auto at = std::lower_bound(position.begin(), position.end(), std::pair(id, std::size_t{0}));
      if (at == position.end() || at->first != id) return;
      identity::record_facts& facts = facts_[at->second];
      facts.properties = std::move(text.properties);
      facts.attribution = std::move(text.attribution);
    });
  }

  // Hands the evidence over to the resolver's input (the area is spent). Constraints
  // are read by the caller, after any pins this resolution added.
  identity::resolution_input take_input(const std::map<std::int64_t, bool>& dirty,
                                        const std::map<std::int64_t, identity::cause>& split_causes,
                                        const std::vector<store::active_constraint>& constraints) {
    identity::resolution_input in;
    std::set<std::string> persons;
    for (std::size_t i = 0; i < evidence_.size(); ++i) {
      identity::record_evidence& e = evidence_[i];
      if (const auto d = dirty.find(ids_[i]); d != dirty.end()) {
        e.cause = d->second                 ? identity::cause::manual
                  : !e.live && e.merged_into ? identity::cause::upstream_merge
                  : !e.live                  ? identity::cause::record_deleted
                  : !e.previous_person       ? identity::cause::new_record
                                             : identity::cause::rule;
      } else if (e.live && !e.previous_person) {
        e.cause = identity::cause::new_record;  // bulk-loaded: new, though not queued one by one
      }
      if (const auto s = split_causes.find(ids_[i]); s != split_causes.end()) e.cause = std::max(e.cause, s->second);
      if (e.previous_person) persons.insert(*e.previous_person);
    }
    in.records = std::move(evidence_);
    in.persons = store_.persons({persons.begin(), persons.end()});
    for (const store::active_constraint& c : constraints) {
      if (c.kind == "must_link") in.must_link.push_back({c.record_a, c.record_b, c.id});
      if (c.kind == "cannot_link") in.cannot_link.push_back({c.record_a, c.record_b, c.id});
    }
    for (const auto& [value, count] : degrees_) in.degrees.push_back({value, count});
    return in;
  }

  // Record ids, in the order of the evidence.
  [[nodiscard]] const std::vector<std::int64_t>& ids() const { return ids_; }
  // What each record gives its person's golden record, in the order of the evidence (left by take_input).
  [[nodiscard]] std::vector<identity::record_facts> take_facts() { return std::move(facts_); }
  [[nodiscard]] bool contains(std::int64_t id) const { return index().contains(id); }
  [[nodiscard]] const identity::record_evidence& evidence(std::int64_t id) const { return evidence_[index().at(id)]; }
  // Built on first use: only upstream splits ask, and a full resolution holds a million keys.
  [[nodiscard]] std::optional<std::int64_t> id_of_key(const std::string& key) const {
    if (id_of_key_.empty()) {
      for (std::size_t i = 0; i < evidence_.size(); ++i) id_of_key_.emplace(evidence_[i].key, ids_[i]);
    }
    const auto it = id_of_key_.find(key);
    return it == id_of_key_.end() ? std::nullopt : std::optional(it->second);
  }

 private:
  // Record id -> position, caught up with the records added since on use: a full resolution
  // seldom asks, and for a million records the map took 40 MB of its peak.
  const std::unordered_map<std::int64_t, std::size_t>& index() const {
    for (std::size_t i = index_.size(); i < ids_.size(); ++i) index_.emplace(ids_[i], i);
    return index_;
  }

  void load(const std::vector<std::int64_t>& ids, std::vector<std::int64_t>& loaded) {
    for (landed_record& r : store_.records(ids)) {
      loaded.push_back(r.record_id);
      add(std::move(r));
    }
  }

  void look_up(const identifier_value& v, std::vector<std::string>& values) {
    if (looked_up_.emplace(identity::link_space(v.kind), v.value).second) values.push_back(v.value);
  }

  bool crossing(const identifier_value& v) {
    if (!marks_read_) {
      for (identifier_value& m : store_.crossing()) crossing_before_.insert(std::move(m));
      marks_read_ = true;
    }
    return crossing_before_.contains(v);
  }

  // Holders of the values, except through a value that may not link (blocked, or held by too many).
  // Every value's degree is kept, so that the resolver knows which are held outside the area.
  std::vector<std::int64_t> linkable_holders(const std::vector<std::string>& values) {
    std::map<std::pair<int, std::string>, std::vector<store::stored_identifier>> groups;
    const auto add = [&](store::stored_identifier s) {
      const auto space = std::pair(identity::link_space(s.value.kind), s.value.value);
      if (looked_up_.contains(space)) groups[space].push_back(std::move(s));
    };
    for (store::stored_identifier& s : store_.holders_of(values)) {
      if (!unwritten_gone_.contains({s.record_id, s.value})) add(std::move(s));
    }
    for (const std::string& v : values) {
      if (const auto it = unwritten_added_.find(v); it != unwritten_added_.end()) {
        for (const store::stored_identifier& s : it->second) add(s);
      }
    }
    std::vector<std::int64_t> out;
    for (const auto& [space, holders] : groups) {
      const identifier_value& first = holders.front().value;
      degrees_[first] = static_cast<std::int64_t>(holders.size());
      if (policy_.blocked(first.kind, first.value)) continue;
      int limit = std::numeric_limits<int>::max();
      for (const auto& h : holders) limit = std::min(limit, config_.kinds.at(h.value.kind).max_records);
      if (static_cast<std::int64_t>(holders.size()) > limit) continue;
      for (const auto& h : holders) out.push_back(h.record_id);
    }
    return out;
  }

  store::identity_store& store_;
  const identity::identity_config& config_;
  const identity::value_policy& policy_;
  const std::vector<store::active_constraint>& constraints_;
  std::vector<identity::record_evidence> evidence_;
  std::vector<identity::record_facts> facts_;
  std::vector<std::int64_t> ids_;
  mutable std::unordered_map<std::int64_t, std::size_t> index_;  // see index()
  mutable std::unordered_map<std::string_view, std::int64_t> id_of_key_;  // views into evidence_
  std::set<std::pair<int, std::string>> looked_up_;
  std::unordered_set<std::string> persons_loaded_;
  std::unordered_map<std::string, std::vector<store::stored_identifier>> unwritten_added_;  // by value
  std::set<std::pair<std::int64_t, identifier_value>> unwritten_gone_;
  bool marks_read_ = false;
  std::set<identifier_value> crossing_before_;  // every value marked as crossing, once read
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
using identifiers_by_record = std::map<std::int64_t, std::vector<identifier_value>>;

identifiers_by_record group_by_record(std::vector<store::stored_identifier> rows) {
  identifiers_by_record out;
  for (store::stored_identifier& s : rows) out[s.record_id].push_back(std::move(s.value));
  for (auto& [id, values] : out) std::sort(values.begin(), values.end());
  return out;
}

// PostHog records that lost distinct ids to split-off persons (`before`: what the
// queued records held until now): pinned apart when configured, and the cause of what follows.
std::map<std::int64_t, identity::cause> follow_upstream_splits(store::identity_store& store,
                                                               const identity::identity_config& config, const area& a,
                                                               const identifiers_by_record& stored) {
  std::map<std::int64_t, std::vector<std::string>> before;
  for (const auto& [id, values] : stored) {
    if (!a.contains(id) || a.evidence(id).source != "posthog" || !a.evidence(id).live) continue;
    for (const identifier_value& v : values) {
      if (v.kind == identifier_kind::posthog_distinct_id) before[id].push_back(v.value);
    }
  }
  std::map<std::int64_t, identity::cause> causes;
  for (const auto& [id, old_ids] : before) {
    const identity::record_evidence& r = a.evidence(id);
    const std::string scope(scope_of_key(r.key));
    for (const identity::split_off& s : identity::split_offs(scope, old_ids, distinct_ids_of(r.identifiers))) {
      const std::string off_key = store::record_key("posthog", scope, s.uuid);
      // The split-off person may have landed earlier: an incremental run sees a new person,
      // while only a full sweep sees the distinct ids leave the old one.
      std::optional<std::int64_t> off = a.id_of_key(off_key);
      if (!off) {
        const auto landed = store.ids_of_keys({off_key});
        if (!landed.empty()) off = landed.front();
      }
      if (!off) continue;
      causes[id] = causes[*off] = identity::cause::upstream_split;
      if (!config.upstream_split_pins_cannot_link) continue;
      store::active_constraint pin;
      pin.kind = "cannot_link";
      pin.record_a = r.key;
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

// Only the identifier rows that changed: most queued records changed something else, or one value.
identifier_changes changed_identifiers(const area& a, const identifiers_by_record& before) {
  static const std::vector<identifier_value> none;
  identifier_changes changes;
  for (std::int64_t id : a.ids()) {
    const std::vector<identifier_value>& now = a.evidence(id).identifiers;  // sorted and unique
    const auto it = before.find(id);
    const std::vector<identifier_value>& then = it == before.end() ? none : it->second;
    std::vector<identifier_value> diff;
    std::set_difference(then.begin(), then.end(), now.begin(), now.end(), std::back_inserter(diff));
    for (identifier_value& v : diff) changes.gone.push_back({id, std::move(v)});
    diff.clear();
    std::set_difference(now.begin(), now.end(), then.begin(), then.end(), std::back_inserter(diff));
    for (identifier_value& v : diff) changes.added.push_back({id, std::move(v)});
  }
  return changes;
}

// The marks an incremental resolution changes: those its area's values gained, and those they lost. A
// value no record of the area holds any more keeps its mark: its holders were not all seen.
std::pair<std::vector<identifier_value>, std::vector<identifier_value>> crossing_changes(
    const std::set<identifier_value>& before, const identity::resolution_input& in, const identity::resolution& result) {
  std::vector<identifier_value> set, cleared;
  const std::set<identifier_value> now(result.crossing.begin(), result.crossing.end());
  std::set_difference(now.begin(), now.end(), before.begin(), before.end(), std::back_inserter(set));
  std::set<identifier_value> held;
  for (const identity::record_evidence& r : in.records) {
    for (const identifier_value& v : r.identifiers) {
      if (before.contains(v) && !now.contains(v)) held.insert(v);
    }
  }
  cleared.assign(held.begin(), held.end());
  return {std::move(set), std::move(cleared)};
}

// Resolves again while new ids collide with retired persons outside the area, reserving them.
identity::resolution avoiding_collisions(store::identity_store& store, identity::resolution_input& in,
                                         const identity::identity_config& config, const identity::value_policy& policy,
                                         identity::resolution result) {
  for (;; result = identity::resolve(in, config, policy)) {
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
  logging::step_timer timed("resolution");
  soci::transaction tx(session);
  store::identity_store store(session);
  store.lock();
  const std::string hash = settings_hash(config);
  const auto last_hash = store.last_settings_hash();
  store::identity_store::dirty_queue queued = store.take_dirty();
  const std::map<std::int64_t, bool>& dirty = queued.records;
  const std::int64_t landed = store.estimated_record_count();
  const bool full = options.force_full || last_hash != hash || queued.everything || store.identifiers_lost() ||
                    static_cast<double>(dirty.size()) > full_resolution_share * static_cast<double>(landed);
  if (!full && dirty.empty()) {
    tx.commit();
    return {.mode = "incremental"};
  }

  const auto constraints = store.constraints();
  const identity::value_policy policy = policy_with_blocks(config, constraints);
  area a(store, config, policy, constraints);
  std::vector<std::int64_t> dirty_ids;
  for (const auto& [id, manual] : dirty) dirty_ids.push_back(id);

  timed("taking the queue");
  std::map<std::int64_t, identity::cause> split_causes;
  identity::resolution_input in;
  identity::resolution result;
  if (full) {
    a.reserve(static_cast<std::size_t>(landed));
    store.each_record([&](landed_record&& r) { a.add(std::move(r)); });
    timed("reading and normalizing every record");
    if (last_hash) {
      std::vector<std::int64_t> posthog_dirty;
      for (const auto& [id, manual] : dirty) {
        if (a.contains(id) && a.evidence(id).source == "posthog") posthog_dirty.push_back(id);
      }
      split_causes = follow_upstream_splits(store, config, a, group_by_record(store.identifiers_of(posthog_dirty)));
    }
    in = a.take_input(dirty, split_causes, store.constraints());  // with the pins an upstream split added
    in.reserved_ids = store.all_person_ids();  // every id in use: no new id can collide
    timed("reading the constraints and person ids");
    // The server rewrites the identifiers, then reads the facts' texts, while the resolver (no I/O, and
    // no facts) runs: the session and the facts are the thread's until rewriting.get(), which also
    // waits for it when the resolver throws.
    std::future<void> rewriting = std::async(std::launch::async, [&] {
      store.rebuild_identifiers(a.ids(), in.records);
      a.read_texts(store);
    });
    result = identity::resolve(in, config, policy);
    timed("resolving");
    rewriting.get();
    timed("waiting for the identifiers to be rewritten and the texts read");
  } else {
    for (landed_record& r : store.records(dirty_ids)) a.add(std::move(r));
    timed("reading the queued records");
    const std::vector<std::int64_t> present = a.ids();
    const identifiers_by_record before = group_by_record(store.identifiers_of(present));
    split_causes = follow_upstream_splits(store, config, a, before);
    timed("looking for upstream splits");
    const identifier_changes changes = changed_identifiers(a, before);
    a.grow(present, changes);
    timed("growing the area");
    in = a.take_input(dirty, split_causes, store.constraints());  // with the pins an upstream split added
    // As in a full resolution, the session rewrites the changed identifiers while the resolver runs, when
    // that is worth a thread (see identity_store::write): the session is the thread's until .get().
    std::future<void> rewriting =
        std::async(a.ids().size() >= rewrite_worth_a_thread ? std::launch::async : std::launch::deferred,
                   [&] { store.update_identifiers(changes.gone, changes.added); });
    identity::resolution first = identity::resolve(in, config, policy);
    timed("resolving");
    rewriting.get();
    timed(fmt::format("waiting for {} identifiers to go and {} to come", changes.gone.size(), changes.added.size()));
    result = avoiding_collisions(store, in, config, policy, std::move(first));
  }
  store::resolution_summary summary =
      store.write(full ? "full" : "incremental", hash, dirty.size(), in.records, a.ids(), a.take_facts(), result);
  timed("writing the outcome");
  if (full) {
    store.write_crossing(true, result.crossing, {});
    timed(fmt::format("writing {} crossing values", result.crossing.size()));
  } else {
    const auto [set, cleared] = crossing_changes(a.crossing_before(), in, result);
    store.write_crossing(false, set, cleared);
    timed(fmt::format("marking {} values as crossing, {} as no longer", set.size(), cleared.size()));
  }
  tx.commit();
  timed("committing");
  if (full) release_in_background(std::move(a), std::move(in), std::move(result));
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
  out.record_ids = a.ids();
  out.input = a.take_input({}, {}, constraints);
  out.result = identity::resolve(out.input, config, policy);
  return out;
}

}  // namespace personsync::resolution
