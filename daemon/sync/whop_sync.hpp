#pragma once
// Whop's part of a sync: full sweeps over full_sweep_window, incremental runs
// from the last successful run's `to` minus the overlap. A person a complete
// unfiltered sweep did not return is deleted only with proof: in the current
// API the retrieve answers 404 (gone) or another profile (merged); in the
// seed's, which has no retrieve, the previous complete sweep missed it too,
// while its own last_seen_at lies inside the window (falling out of the window
// is not leaving Whop).

#include "connectors/whop/whop_config.hpp"
#include "daemon/sync/source_sync.hpp"

namespace personsync::sync {

class whop_sync final : public source_sync {
 public:
  explicit whop_sync(const whop::whop_source_config& cfg) : cfg_(cfg) {}

  [[nodiscard]] const connectors::source_config& source() const override { return cfg_.source; }
  [[nodiscard]] std::string provider() const override { return "whop"; }
  [[nodiscard]] std::string scope() const override { return cfg_.scope(); }

  planned_sweep plan(const store::source_state& state, bool force_full,
                     std::chrono::system_clock::time_point now) override;
  boost::asio::awaitable<absence_report> judge_unseen(const planned_sweep& sweep,
                                                      std::vector<store::unseen_record> unseen,
                                                      paging::page_driver& driver) override;

 private:
  const whop::whop_source_config& cfg_;
};

}  // namespace personsync::sync
