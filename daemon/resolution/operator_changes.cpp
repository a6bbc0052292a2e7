#include "daemon/resolution/operator_changes.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "daemon/identity/normalize.hpp"
#include "daemon/resolution/resolve_identities.hpp"

namespace personsync::resolution {
namespace {

store::active_constraint pair_constraint(store::constraint_kind kind, std::string a, std::string b,
                                         const operator_context& ctx) {
  store::active_constraint c;
  c.kind = kind;
  c.record_a = std::move(a);
  c.record_b = std::move(b);
  c.actor = ctx.actor;
  c.reason = ctx.reason;
  c.cause = "manual";
  return c;
}

void require_reason(const operator_context& ctx) {
  if (ctx.reason.empty()) throw operator_error("a reason is required (--reason): it is kept with the change");
}

}  // namespace

std::string live_person(store::identity_store& store, const std::string& person_id) {
  const auto p = store.person(person_id);
  if (!p) throw operator_error(fmt::format("no person {}", person_id));
  if (p->status == "deleted") throw operator_error(fmt::format("person {} was deleted: all its records are gone", person_id));
  return p->status == "merged" ? *p->successor : p->id;
}

operator_result merge_persons(soci::session& session, const identity::identity_config& config,
                              const std::string& person_a, const std::string& person_b, const operator_context& ctx) {
  require_reason(ctx);
  operator_result out;
  std::string a, b;
  {
    soci::transaction tx(session);
    store::identity_store store(session);
    store.lock();
    a = live_person(store, person_a);
    b = live_person(store, person_b);
    if (a == b) throw operator_error(fmt::format("{} and {} are already one person ({})", person_a, person_b, a));
    const auto keys_a = store.live_keys_of_person(a), keys_b = store.live_keys_of_person(b);
    if (keys_a.empty() || keys_b.empty()) throw operator_error("a person without live records cannot be merged");
    out.constraints.push_back(store.add_constraint(pair_constraint(store::constraint_kind::must_link, keys_a.front(), keys_b.front(), ctx)));
    store.queue(store.records_of_persons({a, b}), true);
    tx.commit();
  }
  out.resolution = resolve_identities(session, config);
  store::identity_store store(session);
  const std::string after_a = live_person(store, a), after_b = live_person(store, b);
  if (after_a != after_b) {
    // Keep nothing of a merge that could not happen.
    soci::transaction tx(session);
    store.lock();
    store.remove_constraint(out.constraints.front(), ctx.actor, "merge refused by a cannot_link");
    tx.commit();
    throw operator_error(fmt::format(
        "{} and {} stay apart: a cannot_link keeps them so (see `personsync explain`; remove it with `personsync unpin`)",
        a, b));
  }
  out.persons_after = {after_a};
  return out;
}

operator_result split_person(soci::session& session, const identity::identity_config& config, const std::string& person,
                             const std::vector<std::string>& records, const operator_context& ctx) {
  require_reason(ctx);
  operator_result out;
  std::vector<std::string> keys;
  {
    soci::transaction tx(session);
    store::identity_store store(session);
    store.lock();
    const std::string p = live_person(store, person);
    keys = store.live_keys_of_person(p);
    if (keys.size() < 2) throw operator_error(fmt::format("person {} has {} record(s): nothing to split", p, keys.size()));
    std::set<std::string> part(records.begin(), records.end());
    for (const std::string& k : part) {
      if (!std::binary_search(keys.begin(), keys.end(), k)) {
        throw operator_error(fmt::format("record {} is not a live record of person {}", k, p));
      }
    }
    if (part.size() == keys.size()) throw operator_error("the records named are all of the person's: nothing would split");
    for (std::size_t i = 0; i < keys.size(); ++i) {
      for (std::size_t j = i + 1; j < keys.size(); ++j) {
        // With --records: only across the two parts. Without: every pair.
        if (!part.empty() && part.contains(keys[i]) == part.contains(keys[j])) continue;
        out.constraints.push_back(store.add_constraint(pair_constraint(store::constraint_kind::cannot_link, keys[i], keys[j], ctx)));
      }
    }
    store.queue(store.records_of_persons({p}), true);
    tx.commit();
  }
  out.resolution = resolve_identities(session, config);
  // One statement for all the split person's records, not two per record.
  out.persons_after = store::identity_store(session).persons_of_keys(keys);
  return out;
}

operator_result block_value(soci::session& session, const identity::identity_config& config, const std::string& value,
                            const std::optional<std::string>& kind, const operator_context& ctx) {
  require_reason(ctx);
  operator_result out;
  {
    soci::transaction tx(session);
    store::identity_store store(session);
    store.lock();
    std::vector<identity::identifier_value> values;
    if (kind) {
      if (!identity::kind_named(*kind)) throw operator_error(fmt::format("unknown identifier kind '{}'", *kind));
      identity::normalize_identifier(*kind, value, config, values);
      if (values.empty()) throw operator_error(fmt::format("'{}' is not a valid {}", value, *kind));
    } else {
      for (identity::identifier_kind k : identity::all_identifier_kinds()) values.push_back({k, value});
    }
    store::active_constraint c;
    c.kind = store::constraint_kind::block_value;
    if (kind) c.value_kind = *kind;
    c.value = kind ? values.back().value : value;
    c.actor = ctx.actor;
    c.reason = ctx.reason;
    c.cause = "manual";
    out.constraints.push_back(store.add_constraint(c));
    const auto holders = store.records_holding(values);
    store.queue(holders, true);
    tx.commit();
  }
  out.resolution = resolve_identities(session, config);
  return out;
}

operator_result unpin(soci::session& session, const identity::identity_config& config,
                      const std::vector<std::int64_t>& constraint_ids, const operator_context& ctx) {
  require_reason(ctx);
  operator_result out;
  {
    soci::transaction tx(session);
    store::identity_store store(session);
    store.lock();
    std::vector<std::string> keys;
    std::vector<identity::identifier_value> values;
    for (std::int64_t id : constraint_ids) {
      const auto removed = store.remove_constraint(id, ctx.actor, ctx.reason);
      if (!removed) throw operator_error(fmt::format("no active constraint {}", id));
      out.constraints.push_back(id);
      if (removed->kind == store::constraint_kind::block_value) {
        for (identity::identifier_kind k : identity::all_identifier_kinds()) {
          if (!removed->value_kind || identity::name_of(k) == *removed->value_kind) values.push_back({k, *removed->value});
        }
      } else {
        keys.push_back(removed->record_a);
        keys.push_back(removed->record_b);
      }
    }
    store.queue(store.ids_of_keys(keys), true);
    store.queue(store.records_holding(values), true);
    tx.commit();
  }
  out.resolution = resolve_identities(session, config);
  return out;
}

}  // namespace personsync::resolution
