#include "daemon/identity/explain.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include <fmt/format.h>

namespace personsync::identity {
namespace {

// Why a value of a record links nothing, if it does not.
std::optional<std::string> why_unused(const identifier_value& v, const resolution& out, const identity_config& config,
                                      const value_policy& policy) {
  if (!config.kinds.at(v.kind).enabled) return fmt::format("kind {} is disabled", name_of(v.kind));
  if (auto blocked = policy.blocked(v.kind, v.value)) return "blocked: " + *blocked;
  for (const quarantined_value& q : out.quarantined) {
    if (same_space(q.value.kind, v.kind) && q.value.value == v.value) {
      return fmt::format("quarantined: held by {} records, more than {} allows", q.records, name_of(v.kind));
    }
  }
  return std::nullopt;
}

link_step step_of(const resolution_input& in, const link& l) {
  return {in.records[l.a].key, in.records[l.b].key, l.via};
}

// The person (or frozen component) a record is in, as a set of record indices.
std::set<std::size_t> component_of(const resolution& out, std::size_t r) {
  for (const person_result& p : out.persons) {
    if (std::find(p.records.begin(), p.records.end(), r) != p.records.end()) return {p.records.begin(), p.records.end()};
  }
  for (const frozen_component& f : out.frozen) {
    if (std::find(f.records.begin(), f.records.end(), r) != f.records.end()) return {f.records.begin(), f.records.end()};
  }
  return {r};
}

}  // namespace

person_explanation explain_person(const resolution_input& in, const resolution& out, const std::string& person,
                                  const identity_config& config, const value_policy& policy) {
  person_explanation e;
  e.person = person;
  std::set<std::size_t> members;
  for (const person_result& p : out.persons) {
    if (p.id == person) members.insert(p.records.begin(), p.records.end());
  }
  for (const frozen_component& f : out.frozen) {
    for (std::size_t r : f.records) {
      if (in.records[r].previous_person == person) {
        members.insert(f.records.begin(), f.records.end());
        e.frozen = true;
      }
    }
  }
  for (std::size_t r : members) {
    e.records.push_back(in.records[r].key);
    for (const identifier_value& v : in.records[r].identifiers) {
      if (auto why = why_unused(v, out, config, policy)) e.unused.push_back({in.records[r].key, v, *why});
    }
  }
  std::sort(e.records.begin(), e.records.end());
  for (const link& l : out.links) {
    if (members.contains(l.a)) e.links.push_back(step_of(in, l));
  }
  return e;
}

pair_explanation explain_pair(const resolution_input& in, const resolution& out, std::size_t a, std::size_t b,
                              const identity_config& config, const value_policy& policy) {
  pair_explanation e;
  e.person_a = out.person_of[a];
  e.person_b = out.person_of[b];
  const std::set<std::size_t> comp_a = component_of(out, a), comp_b = component_of(out, b);
  if (comp_a.contains(b)) {
    e.same_person = true;
    // Breadth-first over the accepted links: the shortest chain of evidence.
    std::map<std::size_t, std::vector<const link*>> adjacent;
    for (const link& l : out.links) {
      adjacent[l.a].push_back(&l);
      adjacent[l.b].push_back(&l);
    }
    std::map<std::size_t, const link*> came_by;
    std::deque<std::size_t> queue{a};
    came_by[a] = nullptr;
    while (!queue.empty() && !came_by.contains(b)) {
      const std::size_t at = queue.front();
      queue.pop_front();
      for (const link* l : adjacent[at]) {
        const std::size_t next = l->a == at ? l->b : l->a;
        if (came_by.try_emplace(next, l).second) queue.push_back(next);
      }
    }
    for (std::size_t at = b; came_by.at(at) != nullptr;) {
      const link* l = came_by.at(at);
      const std::size_t prev = l->a == at ? l->b : l->a;
      e.path.push_back({in.records[prev].key, in.records[at].key, l->via});
      at = prev;
    }
    std::reverse(e.path.begin(), e.path.end());
    return e;
  }

  for (const rejected_link& r : out.rejected) {
    if ((comp_a.contains(r.a) && comp_b.contains(r.b)) || (comp_a.contains(r.b) && comp_b.contains(r.a))) {
      e.apart_because.push_back(fmt::format("link {} — {}{} rejected: {}", in.records[r.a].key, in.records[r.b].key,
                                            r.via ? fmt::format(" via {} '{}'", name_of(r.via->kind), r.via->value) : "",
                                            r.reason));
    }
  }
  std::set<std::string> noted;
  for (std::size_t x : comp_a) {
    for (std::size_t y : comp_b) {
      for (const identifier_value& vx : in.records[x].identifiers) {
        for (const identifier_value& vy : in.records[y].identifiers) {
          if (!same_space(vx.kind, vy.kind) || vx.value != vy.value) continue;
          std::string why = why_unused(vx, out, config, policy).value_or("");
          if (why.empty() && in.records[x].source != in.records[y].source &&
              !(config.kinds.at(vx.kind).cross_source && config.kinds.at(vy.kind).cross_source)) {
            why = fmt::format("{} does not link records of different providers", name_of(vx.kind));
          }
          if (!why.empty()) noted.insert(fmt::format("shared {} '{}' links nothing: {}", name_of(vx.kind), vx.value, why));
        }
      }
    }
  }
  e.apart_because.insert(e.apart_because.end(), noted.begin(), noted.end());
  for (const frozen_component& f : out.frozen) {
    if (std::find(f.records.begin(), f.records.end(), a) != f.records.end() ||
        std::find(f.records.begin(), f.records.end(), b) != f.records.end()) {
      e.apart_because.push_back(fmt::format("a component of {} records is frozen (identity.max_component_size {})",
                                            f.records.size(), config.max_component_size));
    }
  }
  if (e.apart_because.empty()) e.apart_because.push_back("no identifier value links their records, directly or through others");
  return e;
}

}  // namespace personsync::identity
