#include "daemon/resolution/area.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "daemon/identity/normalize.hpp"
#include "daemon/logging/step_timer.hpp"

namespace personsync::resolution {
namespace {

using identity::identifier_value;
using store::landed_record;

std::vector<identifier_value> normalized_identifiers(const landed_record& r, const identity::identity_config& config) {
  std::vector<identifier_value> out;
  if (!r.live) return out;
  // The DOM lives on the stack (spilling to the heap past it): a full resolution parses a million of
  // these, and allocating and freeing their nodes was a quarter to a third of parsing them.
  unsigned char buffer[4096];
  boost::json::monotonic_resource memory(buffer, sizeof buffer);
  const boost::json::value parsed = boost::json::parse(r.identifiers_json, &memory);
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

}  // namespace

void area::reserve(std::size_t n) {
  evidence_.reserve(n);
  facts_.reserve(n);
  ids_.reserve(n);
}

void area::add(landed_record&& r) {
  identity::record_evidence e;
  e.identifiers = normalized_identifiers(r, config_);
  e.key = key_of(r);
  const std::optional<identity::provider> source = identity::provider_named(r.source);
  if (!source) throw std::runtime_error("record " + e.key + " names no provider personsync knows: " + r.source);
  e.source = *source;
  e.first_seen = r.first_seen;
  e.live = r.live;
  e.previous_person = std::move(r.person);
  if (e.live && !e.previous_person) e.last_person = std::move(r.last_person);  // only a returning record asks
  if (r.merged_into) e.merged_into = store::record_key(r.source, r.scope, *r.merged_into);
  ids_.push_back(r.record_id);
  evidence_.push_back(std::move(e));
  facts_.push_back(std::move(r.facts));
  id_of_key_.clear();  // its views may point into moved strings now
}

void area::grow(const std::vector<std::int64_t>& seeds, const identifier_changes& unwritten) {
  std::vector<std::int64_t> to_visit, missing;
  for (std::int64_t id : seeds) (contains(id) ? to_visit : missing).push_back(id);
  load(missing, to_visit);
  for (identifier_value& m : store_.crossing()) crossing_before_.insert(std::move(m));
  for (identifier_value& q : store_.quarantined()) quarantined_before_.insert(std::move(q));
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

void area::read_texts(store::identity_store& store) {
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

identity::resolution_input area::take_input(const std::map<std::int64_t, bool>& dirty,
                                             const std::map<std::int64_t, identity::cause>& split_causes,
                                             const std::vector<store::active_constraint>& constraints) {
  identity::resolution_input in;
  std::set<std::string> persons, last_persons;
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
    if (e.last_person) last_persons.insert(*e.last_person);
  }
  in.records = std::move(evidence_);
  in.persons = store_.persons({persons.begin(), persons.end()});
  in.deleted_persons = store_.deleted_persons({last_persons.begin(), last_persons.end()});
  for (const store::active_constraint& c : constraints) {
    if (c.kind == store::constraint_kind::must_link) in.must_link.push_back({c.record_a, c.record_b, c.id});
    if (c.kind == store::constraint_kind::cannot_link) in.cannot_link.push_back({c.record_a, c.record_b, c.id});
  }
  for (const auto& [value, count] : degrees_) in.degrees.push_back({value, count});
  return in;
}

std::optional<std::int64_t> area::id_of_key(const std::string& key) const {
  if (id_of_key_.empty()) {
    for (std::size_t i = 0; i < evidence_.size(); ++i) id_of_key_.emplace(evidence_[i].key, ids_[i]);
  }
  const auto it = id_of_key_.find(key);
  return it == id_of_key_.end() ? std::nullopt : std::optional(it->second);
}

const std::unordered_map<std::int64_t, std::size_t>& area::index() const {
  for (std::size_t i = index_.size(); i < ids_.size(); ++i) index_.emplace(ids_[i], i);
  return index_;
}

void area::load(const std::vector<std::int64_t>& ids, std::vector<std::int64_t>& loaded) {
  for (landed_record& r : store_.records(ids)) {
    loaded.push_back(r.record_id);
    add(std::move(r));
  }
}

void area::look_up(const identifier_value& v, std::vector<std::string>& values) {
  if (looked_up_.emplace(identity::link_space(v.kind), v.value).second) values.push_back(v.value);
}

bool area::crossing(const identifier_value& v) const { return crossing_before_.contains(v); }

std::vector<std::int64_t> area::linkable_holders(const std::vector<std::string>& values) {
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
    const int limit = rules_.holder_limit(holders, [](const store::stored_identifier& h) { return h.value.kind; });
    const bool quarantined = std::any_of(holders.begin(), holders.end(), [&](const store::stored_identifier& h) {
      return quarantined_before_.contains(h.value);
    });
    // Bounded: it was held by no more records than allowed, besides those of this area that took it up.
    if (identity::kind_rules::quarantines(static_cast<std::int64_t>(holders.size()), limit) && quarantined) continue;
    for (const auto& h : holders) out.push_back(h.record_id);
  }
  return out;
}

}  // namespace personsync::resolution
