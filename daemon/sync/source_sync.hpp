#pragma once
// What differs between providers in a sync: how a run is planned from the
// source's saved state (full or incremental, which window), and how records a
// complete sweep did not see are judged. The runner does the rest, once.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "connectors/absence_verdict.hpp"
#include "connectors/paging/page_driver.hpp"
#include "connectors/source_config.hpp"
#include "daemon/store/landing_store.hpp"

namespace personsync::sync {

struct planned_sweep {
  store::run_identity run;
  std::unique_ptr<paging::source_stream> stream;
  bool may_delete = false;       // an unfiltered full sweep: absence can mean gone
  std::string checkpoint;        // saved with every batch: a killed run restarts this sweep
  std::string cursor_when_done;  // saved when it succeeds: where the next incremental run starts
};

struct absence_report {
  std::vector<std::string> gone;
  std::vector<std::string> absent;  // missed for the first time where no lookup can decide: marked, kept
  std::vector<std::pair<std::string, std::string>> merged;  // (key, the key that absorbed it)
  std::vector<connectors::source_record> still_there;       // skipped by the sweep: land them
};

// Files a lookup's verdict on the unseen record `source_key` into the report.
void file_verdict(absence_report& report, std::string source_key, connectors::absence_verdict verdict);

// The source's saved cursor as a JSON object (empty when there is none or it is unreadable).
boost::json::object cursor_of(const store::source_state& state);

class source_sync {
 public:
  virtual ~source_sync() = default;

  [[nodiscard]] virtual const connectors::source_config& source() const = 0;
  [[nodiscard]] virtual std::string provider() const = 0;
  [[nodiscard]] virtual std::string scope() const = 0;

  virtual planned_sweep plan(const store::source_state& state, bool force_full,
                             std::chrono::system_clock::time_point now) = 0;

  virtual boost::asio::awaitable<absence_report> judge_unseen(const planned_sweep& sweep,
                                                              std::vector<store::unseen_record> unseen,
                                                              paging::page_driver& driver) = 0;

  // Every page of the sweep passes here before it is landed (on the sweep's loop).
  virtual void note_page(const paging::page_result& page) { (void)page; }
  // Once the sweep has landed: landed records the sweep showed to be stale, read again
  // now rather than at the next full sweep. The store is read before the loop runs.
  [[nodiscard]] virtual std::vector<std::string> stale_keys(store::landing_store& store) {
    (void)store;
    return {};
  }
  virtual boost::asio::awaitable<std::vector<connectors::source_record>> reread(std::vector<std::string> keys,
                                                                                paging::page_driver& driver) {
    (void)keys;
    (void)driver;
    co_return std::vector<connectors::source_record>{};
  }
};

}  // namespace personsync::sync
