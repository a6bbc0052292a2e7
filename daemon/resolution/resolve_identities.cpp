#include "daemon/resolution/resolve_identities.hpp"

#include <algorithm>
#include <future>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/release_in_background.hpp"
#include "common/sha256.hpp"
#include "daemon/identity/resolver.hpp"
#include "daemon/identity/upstream_split.hpp"
#include "daemon/identity/value_policy.hpp"
#include "daemon/logging/step_timer.hpp"
#include "daemon/resolution/area.hpp"
#include "daemon/resolution/write_outcome.hpp"
#include "daemon/settings/identity_section.hpp"

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

// Whatever changes how records link: a change forces a full resolution. Every [identity] key
// is in it, read from the section's tables.
std::string settings_hash(const identity::identity_config& config) {
  return sha256_hex(settings::identity_canonical_text(config));
}

// The scope part of a record key ("source/scope/source_key").
std::string_view scope_of_key(std::string_view key) {
  const auto first = key.find('/'), last = key.rfind('/');
  return key.substr(first + 1, last - first - 1);
}

identity::value_policy policy_with_blocks(const identity::identity_config& config,
                                          const std::vector<store::active_constraint>& constraints) {
  identity::value_policy policy(config);
  for (const store::active_constraint& c : constraints) {
    if (c.kind != store::constraint_kind::block_value || !c.value) continue;
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
    if (!a.contains(id) || a.evidence(id).source != identity::provider::posthog || !a.evidence(id).live) continue;
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
      pin.kind = store::constraint_kind::cannot_link;
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
  logging::step_timer timer("resolution");
  // Each step ends here: timed at debug level, and the last moment a stop is taken before the next.
  const auto timed = [&](std::string_view step) {
    timer(step);
    if (options.stop_requested && options.stop_requested()) throw resolution_stopped();
  };
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
        if (a.contains(id) && a.evidence(id).source == identity::provider::posthog) posthog_dirty.push_back(id);
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
    // that is worth a thread (see write_outcome.cpp): the session is the thread's until .get().
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
      write_outcome(store, full ? "full" : "incremental", hash, dirty.size(), in.records, a.ids(), a.take_facts(), result);
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
