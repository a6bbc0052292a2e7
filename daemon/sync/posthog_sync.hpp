#pragma once
// PostHog's part of a sync: full sweeps, incremental runs with updated_after
// (which misses distinct-id-only changes and deletes, so only full sweeps
// judge absences), and every absence confirmed by a retrieve before anything
// is marked gone or merged. A split PostHog made is followed by the run that
// sees it: a person whose uuid is PostHog's split-off uuid for one of its own
// distinct ids means the person that held that id lost it, so that one is read
// again (an incremental run would not return it: only its distinct ids changed).

#include "connectors/posthog/posthog_config.hpp"
#include "daemon/sync/source_sync.hpp"

namespace personsync::sync {

class posthog_sync final : public source_sync {
 public:
  explicit posthog_sync(const posthog::posthog_source_config& cfg) : cfg_(cfg) {}

  [[nodiscard]] const connectors::source_config& source() const override { return cfg_.source; }
  [[nodiscard]] std::string provider() const override { return "posthog"; }
  [[nodiscard]] std::string scope() const override { return cfg_.scope(); }

  planned_sweep plan(const store::source_state& state, bool force_full,
                     std::chrono::system_clock::time_point now) override;
  boost::asio::awaitable<absence_report> judge_unseen(const planned_sweep& sweep,
                                                      std::vector<store::unseen_record> unseen,
                                                      paging::page_driver& driver) override;

  void note_page(const paging::page_result& page) override;
  [[nodiscard]] std::vector<std::string> stale_keys(store::landing_store& store) override;
  boost::asio::awaitable<std::vector<connectors::source_record>> reread(std::vector<std::string> keys,
                                                                        paging::page_driver& driver) override;

 private:
  const posthog::posthog_source_config& cfg_;
  std::vector<std::pair<std::string, std::string>> split_offs_;  // (distinct id, the split-off person's uuid)
};

}  // namespace personsync::sync
