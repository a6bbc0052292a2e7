#include "daemon/identity/golden_record.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/json.hpp>

namespace personsync::identity {
namespace {

bool from_whop(const record_evidence& r) { return r.source == provider::whop; }

// The smallest value of a kind a record holds (identifiers are sorted).
const std::string* first_of_kind(const record_evidence& r, identifier_kind kind) {
  for (const identifier_value& v : r.identifiers) {
    if (v.kind == kind) return &v.value;
  }
  return nullptr;
}

template <typename T>
void keep_min(std::optional<T>& into, const std::optional<T>& v) {
  if (v && (!into || *v < *into)) into = v;
}

template <typename T>
void keep_max(std::optional<T>& into, const std::optional<T>& v) {
  if (v && (!into || *v > *into)) into = v;
}

template <typename T>
void add_to(std::optional<T>& into, const std::optional<T>& v) {
  if (v) into = into.value_or(T{}) + *v;
}

// Most persons have one or two records: their lists stay off the heap.
using record_list = boost::container::small_vector<std::size_t, 4>;

// Key by key, in the order given: the last record to hold a key wins.
std::string merged_properties(const record_list& oldest_first, std::span<record_facts> facts) {
  boost::json::object merged;
  for (std::size_t r : oldest_first) {
    boost::json::value parsed = boost::json::parse(*facts[r].properties);
    if (!parsed.is_object()) continue;
    for (auto& [key, value] : parsed.as_object()) merged.insert_or_assign(key, std::move(value));
  }
  return boost::json::serialize(merged);
}

// Each list's entries, once each, in the order of their JSON text (so that a rebuild writes the same value).
std::string merged_attribution(const record_list& holders, std::span<record_facts> facts) {
  std::map<std::string, std::set<std::string>> lists;
  for (std::size_t r : holders) {
    const boost::json::value parsed = boost::json::parse(*facts[r].attribution);
    if (!parsed.is_object()) continue;
    for (const auto& [list, items] : parsed.as_object()) {
      if (!items.is_array()) continue;
      std::set<std::string>& entries = lists[std::string(list)];
      for (const boost::json::value& e : items.as_array()) entries.insert(boost::json::serialize(e));
    }
  }
  std::string out = R"({"whop": {)";
  bool first_list = true;
  for (const auto& [list, entries] : lists) {
    if (!first_list) out += ", ";
    first_list = false;
    out += boost::json::serialize(boost::json::string(list)) + ": [";
    bool first_entry = true;
    for (const std::string& e : entries) {
      if (!first_entry) out += ", ";
      first_entry = false;
      out += e;
    }
    out += "]";
  }
  return out + "}}";
}

}  // namespace

golden_record golden_of(std::span<const std::size_t> members, std::span<const record_evidence> records,
                        std::span<record_facts> facts) {
  golden_record g;
  // Most trusted first, then the most recent, then the smallest key.
  record_list by_preference(members.begin(), members.end());
  std::sort(by_preference.begin(), by_preference.end(), [&](std::size_t a, std::size_t b) {
    return std::tuple(!from_whop(records[a]), -facts[a].recency, std::string_view(records[a].key)) <
           std::tuple(!from_whop(records[b]), -facts[b].recency, std::string_view(records[b].key));
  });
  record_list with_properties, with_attribution;
  for (std::size_t r : by_preference) {
    const record_evidence& e = records[r];
    record_facts& f = facts[r];
    ++g.record_count;
    if (!g.name && f.name && !f.name->empty()) g.name = std::move(f.name);
    if (const std::string* email = first_of_kind(e, identifier_kind::email); email && !g.email) g.email = *email;
    if (const std::string* phone = first_of_kind(e, identifier_kind::phone); phone && !g.phone) g.phone = *phone;
    keep_min(g.first_seen, f.first_seen);
    keep_max(g.last_seen, f.last_seen);
    if (from_whop(e)) {
      add_to(g.ltv, f.ltv);
      add_to(g.purchase_count, f.purchase_count);
    }
    if (f.has_failed_payment) g.has_failed_payment = g.has_failed_payment.value_or(false) || *f.has_failed_payment;
    if (f.properties && e.source == provider::posthog) with_properties.push_back(r);
    if (f.attribution) with_attribution.push_back(r);
  }
  if (g.purchase_count && *g.purchase_count > 0 && g.ltv) g.aov = *g.ltv / static_cast<double>(*g.purchase_count);

  if (with_properties.size() == 1) {
    g.properties = std::move(facts[with_properties.front()].properties);
  } else if (with_properties.size() > 1) {
    std::sort(with_properties.begin(), with_properties.end(), [&](std::size_t a, std::size_t b) {
      return std::tuple(facts[a].recency, std::string_view(records[a].key)) <
             std::tuple(facts[b].recency, std::string_view(records[b].key));
    });
    g.properties = merged_properties(with_properties, facts);
  }
  if (with_attribution.size() == 1) {
    g.attribution = R"({"whop": )" + *facts[with_attribution.front()].attribution + "}";
    facts[with_attribution.front()].attribution.reset();
  } else if (with_attribution.size() > 1) {
    g.attribution = merged_attribution(with_attribution, facts);
  }
  return g;
}

}  // namespace personsync::identity
