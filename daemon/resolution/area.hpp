#pragma once
// The area of one resolution: the records it resolves, as the resolver's evidence,
// with their facts for the golden records and what the resolver must know about
// values held outside it. A full resolution adds every record; an incremental one
// grows its area from the queued records until it is closed.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "daemon/identity/golden_record.hpp"
#include "daemon/identity/identity_config.hpp"
#include "daemon/identity/kind_rules.hpp"
#include "daemon/identity/resolver.hpp"
#include "daemon/identity/value_policy.hpp"
#include "daemon/store/identity_store.hpp"

namespace personsync::resolution {

// The identifier rows of the queued records that went and that came since the last resolution.
struct identifier_changes {
  std::vector<store::stored_identifier> gone, added;
};

class area {
 public:
  area(store::identity_store& store, const identity::identity_config& config, const identity::value_policy& policy,
       const std::vector<store::active_constraint>& constraints)
      : store_(store), config_(config), rules_(config), policy_(policy), constraints_(constraints) {}

  // Room for `n` records at once: growing by doubling moved and page-faulted a full resolution's
  // records twice over.
  void reserve(std::size_t n);
  void add(store::landed_record&& r);

  // Grows from `seeds` until closed: every record of an old person of the area, absorbing records,
  // constraint partners, and the holders of each value that may be held beyond its person: one the
  // seeds gained, one they lost, or one of the area's, when it is stored as crossing. Any other value
  // is held within one person (see identity::resolution::crossing), whose records come in whole:
  // looking up every value of the area found nothing more, and was two thirds of growing it.
  // The holders of a value that may not link do not join, unless it linked until now: held by more
  // records than its kind allows but not quarantined yet, it still joins persons that must split.
  // `unwritten`: the seeds' changes, not yet in the store: the holders found are corrected by them.
  void grow(const std::vector<std::int64_t>& seeds, const identifier_changes& unwritten = {});

  // The values marked as crossing when the area grew: an incremental resolution updates the marks of its own.
  [[nodiscard]] const std::set<identity::identifier_value>& crossing_before() const { return crossing_before_; }

  // The facts' texts of the records read by store.each_record. A record that arrived since has no
  // place and is left to the resolution its arrival queued; one deleted since keeps none.
  void read_texts(store::identity_store& store);

  // Hands the evidence over to the resolver's input (the area is spent). Constraints
  // are read by the caller, after any pins this resolution added.
  identity::resolution_input take_input(const std::map<std::int64_t, bool>& dirty,
                                        const std::map<std::int64_t, identity::cause>& split_causes,
                                        const std::vector<store::active_constraint>& constraints);

  // Record ids, in the order of the evidence.
  [[nodiscard]] const std::vector<std::int64_t>& ids() const { return ids_; }
  // What each record gives its person's golden record, in the order of the evidence (left by take_input).
  [[nodiscard]] std::vector<identity::record_facts> take_facts() { return std::move(facts_); }
  [[nodiscard]] bool contains(std::int64_t id) const { return index().contains(id); }
  [[nodiscard]] const identity::record_evidence& evidence(std::int64_t id) const { return evidence_[index().at(id)]; }
  // Built on first use: only upstream splits ask, and a full resolution holds a million keys.
  [[nodiscard]] std::optional<std::int64_t> id_of_key(const std::string& key) const;

 private:
  // Record id -> position, caught up with the records added since on use: a full resolution
  // seldom asks, and for a million records the map took 40 MB of its peak.
  const std::unordered_map<std::int64_t, std::size_t>& index() const;
  void load(const std::vector<std::int64_t>& ids, std::vector<std::int64_t>& loaded);
  void look_up(const identity::identifier_value& v, std::vector<std::string>& values);
  bool crossing(const identity::identifier_value& v) const;
  // Holders of the values, except through a value that may not link (blocked, or held by too many).
  // Every value's degree is kept, so that the resolver knows which are held outside the area.
  std::vector<std::int64_t> linkable_holders(const std::vector<std::string>& values);

  store::identity_store& store_;
  const identity::identity_config& config_;
  const identity::kind_rules rules_;
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
  std::set<std::pair<std::int64_t, identity::identifier_value>> unwritten_gone_;
  std::set<identity::identifier_value> crossing_before_;  // every value marked as crossing, read by grow
  std::set<identity::identifier_value> quarantined_before_;  // read by grow
  std::map<identity::identifier_value, std::int64_t> degrees_;
};

}  // namespace personsync::resolution
