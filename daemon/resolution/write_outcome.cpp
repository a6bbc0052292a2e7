#include "daemon/resolution/write_outcome.hpp"

#include <future>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "daemon/logging/step_timer.hpp"

namespace personsync::resolution {
namespace {

// The persons whose golden record to publish: every person of a full resolution; else those that
// gained or lost a record, or hold one that changed. Persons a frozen component keeps are persons
// too: what they kept is what their golden record tells.
std::vector<const identity::person_result*> touched_persons(bool full,
                                                            const std::vector<identity::record_evidence>& records,
                                                            const identity::resolution& result) {
  std::vector<const identity::person_result*> touched;
  std::set<std::string_view> changed;
  if (!full) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (records[i].cause == identity::cause::none && result.person_of[i] == records[i].previous_person) continue;
      for (const std::optional<std::string>* p : {&result.person_of[i], &records[i].previous_person}) {
        if (*p) changed.insert(**p);
      }
    }
  }
  if (full) touched.reserve(result.persons.size() + result.frozen_persons.size());
  for (const auto* persons : {&result.persons, &result.frozen_persons}) {
    for (const identity::person_result& p : *persons) {
      if (full || changed.contains(p.id)) touched.push_back(&p);
    }
  }
  return touched;
}

}  // namespace

store::resolution_summary write_outcome(store::identity_store& store, const std::string& mode,
                                        const std::string& settings_hash, std::size_t dirty,
                                        const std::vector<identity::record_evidence>& records,
                                        const std::vector<std::int64_t>& ids, std::vector<identity::record_facts> facts,
                                        const identity::resolution& result) {
  logging::step_timer timed("resolution");
  store::resolution_summary summary;
  summary.mode = mode;
  summary.dirty = dirty;
  summary.area = records.size();
  summary.resolution_id = store.begin_resolution(mode, settings_hash, dirty, records.size());
  const bool full = mode == "full";
  const std::vector<const identity::person_result*> touched = touched_persons(full, records, result);

  // A large resolution's golden records are computed here while a thread has the session write the
  // rest: the session is the thread's until .get(), which also waits for it when computing throws.
  // Not for the daemon's usual small ones, which gain nothing, while each thread left its stack and arena
  // to the daemon (soak_bench, 10 minutes: RSS at the end 49 MiB with a thread each time, 40 MiB without).
  constexpr std::size_t golden_worth_a_thread = 2000;  // persons: about 15 ms of computing
  auto membership = std::async(full || touched.size() >= golden_worth_a_thread ? std::launch::async : std::launch::deferred,
                               [&] { return store.write_membership(summary.resolution_id, full, records, ids, result); });
  std::pair<std::vector<store::identity_store::golden_row>, std::vector<store::identity_store::golden_row>>
      golden;  // new persons, known ones
  if (full) golden.first.reserve(touched.size());  // most are new; growing would move and fault them in twice
  for (const identity::person_result* p : touched) {
    (p->is_new ? golden.first : golden.second).emplace_back(p->id, identity::golden_of(p->records, records, facts));
  }
  timed(fmt::format("(of which) golden records of {} persons", touched.size()));
  summary.quarantined = membership.get();
  timed("(of which) waiting for the assignments, retirements, events and guards");
  store.publish_golden(golden.first, golden.second, full);
  timed(fmt::format("(of which) publishing them ({} new)", golden.first.size()));

  summary.persons_touched = touched.size() + result.retired.size();
  summary.events = result.events.size();
  summary.rejected = result.rejected.size();
  summary.frozen = result.frozen.size();
  store.finish_resolution(summary);
  return summary;
}

}  // namespace personsync::resolution
