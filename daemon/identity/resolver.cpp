#include "daemon/identity/resolver.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <span>
#include <limits>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "common/uuid.hpp"
#include "daemon/identity/kind_rules.hpp"

namespace personsync::identity {
namespace {

// personsync's namespace for person ids (uuid5 of the smallest record key).
constexpr std::string_view person_namespace = "6f0b7c1e-3d52-5a8e-9c41-2b7d9e8a1f60";

// The sort keys sit in the structs themselves, so that a comparison reads the two
// structs and not the records they name (at a million records, a cache miss each).
struct holding {
  std::size_t hash;  // of the value
  std::int64_t first_seen;  // the record's
  const identifier_value* identifier;
  std::uint32_t rank;    // the record's
  std::uint32_t record;
  std::uint8_t space;
  identifier_kind kind;

  [[nodiscard]] std::string_view value() const { return identifier->value; }
  // By value (the hash first, so that strings are read only on a tie), then holders by first seen and key.
  friend bool operator<(const holding& x, const holding& y) {
    if (x.space != y.space || x.hash != y.hash) return std::tie(x.space, x.hash) < std::tie(y.space, y.hash);
    if (const int c = x.value().compare(y.value()); c != 0) return c < 0;
    return std::tie(x.first_seen, x.rank, x.kind) < std::tie(y.first_seen, y.rank, y.kind);
  }
  [[nodiscard]] bool same_value(const holding& o) const {
    return space == o.space && hash == o.hash && value() == o.value();
  }
};

struct candidate_link {
  int priority;             // -1: an operator's must_link
  std::int64_t first_seen;  // b's
  std::size_t rank_b, rank_a;
  std::size_t a, b;  // b is the later record
  const identifier_value* via;  // into the input; none: an operator's must_link

  auto order() const { return std::tie(priority, first_seen, rank_b, rank_a); }
};

class disjoint_sets {
 public:
  explicit disjoint_sets(std::size_t n) : parent_(n), size_(n, 1) { std::iota(parent_.begin(), parent_.end(), 0); }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // Joins two roots; returns the new root.
  std::size_t join(std::size_t a, std::size_t b) {
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return a;
  }

 private:
  std::vector<std::size_t> parent_;
  std::vector<std::size_t> size_;
};

class resolver {
 public:
  resolver(const resolution_input& in, const identity_config& config, const value_policy& policy)
      : in_(in),
        config_(config),
        policy_(policy),
        sets_(in.records.size()),
        cannot_of_root_(in.records.size()),
        rules_(config) {
    for (const previous_person& p : in.persons) created_at_[p.id] = p.created_at;
    for (const previous_person& p : in.deleted_persons) {
      created_at_[p.id] = p.created_at;
      deleted_.insert(p.id);
    }
    // Keys are compared once here; everything after orders records by rank.
    std::vector<std::pair<std::string_view, std::size_t>> keys;
    keys.reserve(in.records.size());
    for (std::size_t i = 0; i < in.records.size(); ++i) keys.emplace_back(in.records[i].key, i);
    std::sort(keys.begin(), keys.end());
    by_key_.reserve(keys.size());
    rank_.resize(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      by_key_.push_back(keys[i].second);
      rank_[keys[i].second] = i;
    }
    previous_ids_ = collect_previous_ids();
  }

  resolution run() {
    std::vector<candidate_link> candidates = value_links();
    add_must_links(candidates);
    std::sort(candidates.begin(), candidates.end(),
              [](const candidate_link& x, const candidate_link& y) { return x.order() < y.order(); });
    index_cannot_links();
    out_.links.reserve(candidates.size());  // at most one each
    for (const candidate_link& c : candidates) take(c);
    build_clusters();
    for (std::size_t r = 0; r < in_.records.size(); ++r) {
      if (rec(r).previous_person) previously_in_[*rec(r).previous_person].push_back(r);
    }
    assign_ids();
    keep_frozen_persons();
    find_crossing();
    retire();
    describe_changes();
    return std::move(out_);
  }

 private:
  const record_evidence& rec(std::size_t i) const { return in_.records[i]; }
  const kind_rule& rule(identifier_kind k) const { return rules_.of(k); }
  bool key_less(std::size_t a, std::size_t b) const { return rank_[a] < rank_[b]; }

  std::vector<candidate_link> value_links() {
    // Sized once: growing by doubling moved and faulted in 130 MB of holdings twice over at a million
    // records. Links are fewer than holdings; the room reserved beyond them is never touched.
    std::size_t held = 0;
    for (const record_evidence& r : in_.records) held += r.identifiers.size();
    std::vector<holding> holdings;
    holdings.reserve(held);
    for (std::size_t i = 0; i < in_.records.size(); ++i) {
      if (!rec(i).live) continue;
      for (const identifier_value& v : rec(i).identifiers) {
        if (rule(v.kind).enabled) {
          holdings.push_back({std::hash<std::string_view>{}(v.value), rec(i).first_seen, &v,
                              static_cast<std::uint32_t>(rank_[i]), static_cast<std::uint32_t>(i),
                              static_cast<std::uint8_t>(link_space(v.kind)), v.kind});
        }
      }
    }
    std::sort(holdings.begin(), holdings.end());
    known_degrees known_degree;
    for (const value_degree& d : in_.degrees) known_degree[{link_space(d.value.kind), d.value.value}].records += d.records;

    std::vector<candidate_link> links;
    links.reserve(holdings.size());
    for (std::size_t begin = 0; begin < holdings.size();) {
      std::size_t end = begin;
      while (end < holdings.size() && holdings[end].same_value(holdings[begin])) {
        ++end;
      }
      link_holders(std::span(holdings).subspan(begin, end - begin), known_degree, links);
      begin = end;
    }
    // A value the area's records let go of, still held by too many beyond it: quarantined, with its count now.
    for (const value_degree& d : in_.degrees) {
      const known_degree_of& known = known_degree.at({link_space(d.value.kind), d.value.value});
      if (!known.held && rule(d.value.kind).enabled && known.records > rule(d.value.kind).max_records &&
          !policy_.blocked(d.value.kind, d.value.value)) {
        out_.quarantined.push_back({d.value, known.records});
      }
    }
    return links;
  }

  // Holders of a value in the whole landing (given for the values an incremental area looked up), and
  // whether a record of the area still holds it.
  struct known_degree_of {
    std::int64_t records = 0;
    bool held = false;
  };
  using known_degrees = std::map<std::pair<int, std::string_view>, known_degree_of>;

  void link_holders(std::span<const holding> group, known_degrees& known, std::vector<candidate_link>& links) {
    std::vector<const holding*>& holders = holders_;  // one per record
    holders.clear();
    for (const holding& h : group) {
      if (holders.empty() || holders.back()->record != h.record) holders.push_back(&h);
    }
    const holding& first = group.front();
    std::int64_t degree = static_cast<std::int64_t>(holders.size());
    if (!known.empty()) {
      if (const auto it = known.find({first.space, first.value()}); it != known.end()) {
        degree = std::max(degree, it->second.records);
        it->second.held = true;
      }
    }
    const int limit = rules_.holder_limit(holders, [](const holding* h) { return h->kind; });
    const bool beyond_area = degree > static_cast<std::int64_t>(holders.size());
    if (holders.size() > 1 || beyond_area) note_shared(group, beyond_area);
    // A value on one record within its limit links nothing whether blocked or not: most values
    // (ids) are, and asking the policy about each cost more than the rest of linking.
    const bool quarantined = kind_rules::quarantines(degree, limit);
    if (holders.size() < 2 && !quarantined) return;
    if (policy_.blocked(first.kind, first.value())) return;
    if (quarantined) {
      out_.quarantined.push_back({{first.kind, std::string(first.value())}, degree});
      return;
    }
    // A star from the earliest holder; a kind that does not cross providers links
    // to the earliest holder of the same provider instead.
    const holding* anchor = holders.front();
    const auto first_of_source = [&](provider source) {
      return *std::find_if(holders.begin(), holders.end(), [&](const holding* h) { return rec(h->record).source == source; });
    };
    for (std::size_t i = 1; i < holders.size(); ++i) {
      const holding* h = holders[i];
      const bool crosses = rec(anchor->record).source != rec(h->record).source;
      const holding* to = anchor;
      if (crosses && !(rule(anchor->kind).cross_source && rule(h->kind).cross_source)) {
        to = first_of_source(rec(h->record).source);
        if (to == h) continue;
      }
      links.push_back({std::max(rule(to->kind).priority, rule(h->kind).priority), h->first_seen, h->rank, to->rank,
                       to->record, h->record, h->identifier});
    }
  }

  // A value held by more than one record: once persons are known, find_crossing says whether they are one.
  void note_shared(std::span<const holding> group, bool beyond_area) {
    std::uint32_t kinds = 0;
    for (const holding& h : group) kinds |= 1U << static_cast<unsigned>(h.kind);
    shared_.push_back({group.front().identifier, kinds, beyond_area, shared_holders_.size(), holders_.size()});
    for (const holding* h : holders_) shared_holders_.push_back(h->record);
  }

  void find_crossing() {
    for (const shared_value& s : shared_) {
      const std::span<const std::uint32_t> holders(shared_holders_.data() + s.first_holder, s.holders);
      const std::optional<std::string>& first = out_.person_of[holders.front()];
      const bool crossing = s.beyond_area || std::any_of(holders.begin(), holders.end(), [&](std::uint32_t r) {
        return !first || !out_.person_of[r] || *out_.person_of[r] != *first;
      });
      if (!crossing) continue;
      for (identifier_kind k : all_identifier_kinds()) {
        if (s.kinds & (1U << static_cast<unsigned>(k))) out_.crossing.push_back({k, s.value->value});
      }
    }
    std::sort(out_.crossing.begin(), out_.crossing.end());
  }

  void add_must_links(std::vector<candidate_link>& links) {
    for (const record_pair& p : in_.must_link) {
      const auto a = index_of(p.a), b = index_of(p.b);
      if (!a || !b || !rec(*a).live || !rec(*b).live) continue;
      auto [x, y] = std::minmax(*a, *b, [&](std::size_t l, std::size_t r) { return key_less(l, r); });
      links.push_back({-1, rec(y).first_seen, rank_[y], rank_[x], x, y, nullptr});
    }
  }

  void index_cannot_links() {
    for (const record_pair& p : in_.cannot_link) {
      const auto a = index_of(p.a), b = index_of(p.b);
      if (!a || !b) continue;
      const std::size_t c = cannot_.size();
      cannot_.push_back({*a, *b, p.constraint_id});
      cannot_of_root_[*a].push_back(c);
      cannot_of_root_[*b].push_back(c);
    }
  }

  static std::optional<identifier_value> via_of(const candidate_link& c) {
    return c.via ? std::optional(*c.via) : std::nullopt;
  }

  void take(const candidate_link& c) {
    std::size_t ra = sets_.find(c.a), rb = sets_.find(c.b);
    if (ra == rb) return;
    const auto& smaller = cannot_of_root_[ra].size() <= cannot_of_root_[rb].size() ? cannot_of_root_[ra] : cannot_of_root_[rb];
    for (std::size_t k : smaller) {
      const auto [x, y, id] = cannot_[k];
      const std::size_t rx = sets_.find(x), ry = sets_.find(y);
      if ((rx == ra && ry == rb) || (rx == rb && ry == ra)) {
        out_.rejected.push_back({c.a, c.b, via_of(c),
                                 id ? fmt::format("cannot_link {} between {} and {}", id, rec(x).key, rec(y).key)
                                    : fmt::format("cannot_link between {} and {}", rec(x).key, rec(y).key)});
        return;
      }
    }
    const std::size_t root = sets_.join(ra, rb);
    const std::size_t other = root == ra ? rb : ra;
    auto& into = cannot_of_root_[root];
    into.insert(into.end(), cannot_of_root_[other].begin(), cannot_of_root_[other].end());
    cannot_of_root_[other].clear();
    out_.links.push_back({c.a, c.b, via_of(c)});
  }

  // Components in key order of their smallest record, each one's records in key order.
  void build_clusters() {
    constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> component_of_root(in_.records.size(), none);
    std::vector<std::vector<std::size_t>> components;
    for (std::size_t r : by_key_) {
      if (!rec(r).live) continue;
      std::size_t& c = component_of_root[sets_.find(r)];
      if (c == none) {
        c = components.size();
        components.emplace_back();
      }
      components[c].push_back(r);
    }
    out_.person_of.assign(in_.records.size(), std::nullopt);
    for (std::vector<std::size_t>& members : components) {
      if (members.size() > static_cast<std::size_t>(config_.max_component_size)) {
        // Not published: its records stay where they were until an operator looks.
        for (std::size_t r : members) {
          out_.person_of[r] = rec(r).previous_person;
          if (rec(r).previous_person) frozen_persons_.insert(*rec(r).previous_person);
        }
        out_.frozen.push_back({std::move(members)});
        continue;
      }
      clusters_.push_back(std::move(members));
    }
  }

  // Built on first use: only constraints and upstream merges name records by key.
  std::optional<std::size_t> index_of(std::string_view key) {
    if (index_of_key_.empty()) {
      index_of_key_.reserve(in_.records.size());
      for (std::size_t i = 0; i < in_.records.size(); ++i) index_of_key_.emplace(in_.records[i].key, i);
    }
    const auto it = index_of_key_.find(key);
    return it == index_of_key_.end() ? std::nullopt : std::optional(it->second);
  }

  std::int64_t created_at(std::string_view id) const {
    const auto it = created_at_.find(id);
    return it == created_at_.end() ? 0 : it->second;
  }

  struct claim {
    bool holds_derived_id;  // the id a rebuild from scratch would give the group
    std::size_t overlap;
    std::int64_t created_at;
    std::string_view person;
    std::size_t cluster;
    // The id a rebuild would give first, then the largest overlap, then the older person, the smaller
    // id, the cluster's smallest key.
    bool operator<(const claim& o) const {
      return std::tuple(!holds_derived_id, -static_cast<std::int64_t>(overlap), created_at, person, cluster) <
             std::tuple(!o.holds_derived_id, -static_cast<std::int64_t>(o.overlap), o.created_at, o.person, o.cluster);
    }
  };

  // Claims of the persons `person_of` names for the records of the clusters without an id yet, counted
  // among those `counts` accepts.
  template <typename PersonOf, typename Counts>
  std::vector<claim> claims_of(PersonOf person_of, Counts counts) const {
    std::vector<claim> claims;
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      if (!cluster_id_[c].empty()) continue;
      std::map<std::string_view, std::size_t> overlap;
      for (std::size_t r : clusters_[c]) {
        const std::optional<std::string>& p = person_of(rec(r));
        if (p && counts(*p)) ++overlap[*p];
      }
      if (overlap.empty()) continue;
      const std::string derived = derived_person_id(rec(clusters_[c].front()).key);
      for (const auto& [person, n] : overlap) claims.push_back({person == derived, n, created_at(person), person, c});
    }
    std::sort(claims.begin(), claims.end());
    return claims;
  }

  void take_claims(const std::vector<claim>& claims, std::unordered_set<std::string_view>& into) {
    for (const claim& c : claims) {
      if (!cluster_id_[c.cluster].empty() || kept_.contains(c.person) || revived_.contains(c.person)) continue;
      cluster_id_[c.cluster] = std::string(c.person);
      into.insert(c.person);
    }
  }

  // Each cluster keeps the id of an old person it holds records of; a cluster no live person claims
  // takes back the deleted person its returning records were last in; the rest get derived ids.
  void assign_ids() {
    cluster_id_.assign(clusters_.size(), std::string());
    out_.persons.reserve(clusters_.size());
    take_claims(claims_of([](const record_evidence& r) -> const std::optional<std::string>& { return r.previous_person; },
                          [&](std::string_view p) { return !frozen_persons_.contains(p); }),
                kept_);
    take_claims(claims_of([](const record_evidence& r) -> const std::optional<std::string>& { return r.last_person; },
                          [&](std::string_view p) { return deleted_.contains(p); }),
                revived_);
    // Views of the input's ids and of cluster_id_'s, which are not touched once set.
    std::unordered_set<std::string_view> taken(in_.reserved_ids.begin(), in_.reserved_ids.end());
    taken.reserve(in_.reserved_ids.size() + in_.persons.size() + clusters_.size());
    for (const previous_person& p : in_.persons) taken.insert(p.id);
    for (const previous_person& p : in_.deleted_persons) taken.insert(p.id);
    for (std::size_t r = 0; r < in_.records.size(); ++r) {
      if (rec(r).previous_person) taken.insert(*rec(r).previous_person);
    }
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      if (cluster_id_[c].empty()) {
        std::string id;
        for (int attempt = 0; id.empty() || taken.contains(id); ++attempt) id = derived_person_id(rec(clusters_[c].front()).key, attempt);
        cluster_id_[c] = std::move(id);
        taken.insert(cluster_id_[c]);
      }
      for (std::size_t r : clusters_[c]) out_.person_of[r] = cluster_id_[c];
      const bool revived = revived_.contains(cluster_id_[c]);
      out_.persons.push_back({cluster_id_[c], std::move(clusters_[c]), !kept_.contains(cluster_id_[c]) && !revived, revived});
    }
  }

  void keep_frozen_persons() {
    std::map<std::string_view, std::vector<std::size_t>> records_of;
    for (const frozen_component& f : out_.frozen) {
      for (std::size_t r : f.records) {
        if (rec(r).previous_person) records_of[*rec(r).previous_person].push_back(r);
      }
    }
    for (auto& [id, records] : records_of) {
      std::sort(records.begin(), records.end(), [&](std::size_t a, std::size_t b) { return rank_[a] < rank_[b]; });
      out_.frozen_persons.push_back({std::string(id), std::move(records), false});
    }
  }

  // Every person a record of the area was in, sorted.
  std::vector<std::string> collect_previous_ids() const {
    std::set<std::string> ids;
    for (const previous_person& p : in_.persons) ids.insert(p.id);
    for (const record_evidence& r : in_.records) {
      if (r.previous_person) ids.insert(*r.previous_person);
    }
    return {ids.begin(), ids.end()};
  }

  void retire() {
    for (const std::string& id : previous_ids_) {
      if (kept_.contains(id) || frozen_persons_.contains(id)) continue;
      std::map<std::string, std::size_t> landed;
      std::optional<std::string> absorbed_by;
      for (std::size_t r : previously_in_[id]) {
        if (out_.person_of[r]) ++landed[*out_.person_of[r]];
        if (!rec(r).live && rec(r).merged_into) {
          const auto into = index_of(*rec(r).merged_into);
          if (into && out_.person_of[*into]) absorbed_by = out_.person_of[*into];
        }
      }
      std::optional<std::string> successor = absorbed_by;
      std::size_t most = 0;
      for (const auto& [to, n] : landed) {
        if (n > most) most = n, successor = to;
      }
      out_.retired.push_back({id, successor});
    }
  }

  // The strongest cause among the records a person had or has.
  enum cause strongest(const std::vector<std::string>& persons) {
    if (cause_of_person_.empty()) {
      for (std::size_t r = 0; r < in_.records.size(); ++r) {
        const std::array<const std::optional<std::string>*, 2> persons{&rec(r).previous_person, &out_.person_of[r]};
        for (const std::optional<std::string>* p : persons) {
          if (*p) cause_of_person_[**p] = std::max(cause_of_person_[**p], rec(r).cause);
        }
      }
    }
    enum cause c = cause::none;
    for (const std::string& p : persons) {
      if (const auto it = cause_of_person_.find(p); it != cause_of_person_.end()) c = std::max(c, it->second);
    }
    return c;
  }

  void add_event(event_kind kind, std::vector<std::string> before, std::vector<std::string> after,
                 std::vector<std::string> records = {}) {
    std::vector<std::string> involved = before;
    involved.insert(involved.end(), after.begin(), after.end());
    add_event(kind, std::move(before), std::move(after), strongest(involved), std::move(records));
  }

  // With the strongest cause among the records involved already known.
  void add_event(event_kind kind, std::vector<std::string> before, std::vector<std::string> after, enum cause c,
                 std::vector<std::string> records) {
    if (kind == event_kind::create && c == cause::none) c = cause::new_record;
    if (kind != event_kind::create && kind != event_kind::remove && (c == cause::none || c == cause::new_record)) {
      c = cause::rule;
    }
    if (kind == event_kind::remove && c == cause::none) c = cause::record_deleted;
    out_.events.push_back({kind, std::move(before), std::move(after), c, std::move(records)});
  }

  void describe_changes() {
    // About one event per person (a create each, from scratch): room for them at once, rather than
    // moving and faulting in the growing list.
    out_.events.reserve(out_.persons.size() + out_.retired.size());
    std::map<std::string, std::optional<std::string>> successor_of;
    for (const retired_person& r : out_.retired) successor_of[r.id] = r.successor;
    const std::unordered_set<std::string_view> previous(previous_ids_.begin(), previous_ids_.end());

    // New persons with no old records at all: no other person shares their records, so their cause is
    // their records' own (a full resolution from scratch has half a million of them). A revived person
    // is created again.
    for (const person_result& p : out_.persons) {
      if (!p.is_new && !p.revived) continue;
      enum cause c = cause::none;
      bool had_old = false;
      for (std::size_t r : p.records) {
        had_old = had_old || rec(r).previous_person.has_value();
        c = std::max(c, rec(r).cause);
      }
      if (!had_old) add_event(event_kind::create, {}, {p.id}, c, {});
    }
    // Persons that absorbed others.
    std::unordered_map<std::string, std::vector<std::string>> absorbed_by;
    for (const auto& [old, to] : successor_of) {
      if (to) absorbed_by[*to].push_back(old);
    }
    for (const person_result& p : out_.persons) {
      const auto found = absorbed_by.find(p.id);
      if (found == absorbed_by.end()) continue;
      std::vector<std::string> absorbed = found->second;
      if (previous.contains(p.id)) absorbed.insert(absorbed.begin(), p.id);
      std::sort(absorbed.begin(), absorbed.end());
      add_event(event_kind::merge, std::move(absorbed), {p.id});
    }
    // Where each old person's records went besides its home: new persons (a split), or other existing ones (moves).
    // A frozen person is home to the records its frozen component keeps, and may have lost others.
    for (const std::string& old : previous_ids_) {
      const std::optional<std::string> home =
          kept_.contains(old) || frozen_persons_.contains(old) ? std::optional(old) : successor_of[old];
      if (!home) {
        add_event(event_kind::remove, {old}, {});
        continue;
      }
      std::set<std::string> split_into;
      std::map<std::string, std::vector<std::string>> moved_to;
      for (std::size_t r : previously_in_[old]) {
        if (!out_.person_of[r] || *out_.person_of[r] == *home) continue;
        const std::string& to = *out_.person_of[r];
        if (previous.contains(to)) {
          moved_to[to].push_back(rec(r).key);
        } else {
          split_into.insert(to);
        }
      }
      if (!split_into.empty()) {
        std::vector<std::string> after{*home};
        after.insert(after.end(), split_into.begin(), split_into.end());
        add_event(event_kind::split, {old}, std::move(after));
      }
      for (auto& [to, keys] : moved_to) {
        std::sort(keys.begin(), keys.end());
        add_event(event_kind::move, {old}, {to}, std::move(keys));
      }
    }
  }

  const resolution_input& in_;
  const identity_config& config_;
  const value_policy& policy_;
  disjoint_sets sets_;
  std::unordered_map<std::string_view, std::size_t> index_of_key_;
  // Keyed by views into the input (and, for causes, the output's person_of), which outlive them.
  std::unordered_map<std::string_view, std::int64_t> created_at_;
  struct cannot_pin {
    std::size_t a, b;
    std::int64_t id;
  };
  std::vector<cannot_pin> cannot_;
  std::vector<std::vector<std::size_t>> cannot_of_root_;
  std::vector<std::vector<std::size_t>> clusters_;
  std::vector<std::string> cluster_id_;
  std::unordered_set<std::string_view> kept_;
  std::unordered_set<std::string_view> deleted_;  // of in_.deleted_persons
  std::unordered_set<std::string_view> revived_;  // deleted persons given back to their returning records
  std::unordered_set<std::string_view> frozen_persons_;
  std::unordered_map<std::string_view, std::vector<std::size_t>> previously_in_;
  std::unordered_map<std::string_view, enum cause> cause_of_person_;
  std::vector<std::size_t> rank_;            // each record's place in key order
  std::vector<std::size_t> by_key_;          // records in key order
  std::vector<const holding*> holders_;      // link_holders' buffer
  struct shared_value {
    const identifier_value* value;  // into the input
    std::uint32_t kinds;            // bit per identifier_kind held
    bool beyond_area;               // held by records outside the area too
    std::size_t first_holder, holders;  // into shared_holders_
  };
  std::vector<shared_value> shared_;
  std::vector<std::uint32_t> shared_holders_;  // record indices, a run per shared value
  kind_rules rules_;
  std::vector<std::string> previous_ids_;    // sorted
  resolution out_;
};

}  // namespace

std::string_view name_of(cause c) {
  switch (c) {
    case cause::none: return "none";
    case cause::new_record: return "new_record";
    case cause::rule: return "rule";
    case cause::record_deleted: return "record_deleted";
    case cause::upstream_split: return "upstream_split";
    case cause::upstream_merge: return "upstream_merge";
    case cause::manual: return "manual";
  }
  return "none";
}

std::string_view name_of(event_kind k) {
  switch (k) {
    case event_kind::create: return "create";
    case event_kind::merge: return "merge";
    case event_kind::split: return "split";
    case event_kind::move: return "move";
    case event_kind::remove: return "delete";
  }
  return "create";
}

std::string derived_person_id(std::string_view smallest_record_key, int attempt) {
  return attempt == 0 ? uuid5(person_namespace, smallest_record_key)
                      : uuid5(person_namespace, fmt::format("{}#{}", smallest_record_key, attempt));
}

resolution resolve(const resolution_input& input, const identity_config& config, const value_policy& policy) {
  return resolver(input, config, policy).run();
}

}  // namespace personsync::identity
