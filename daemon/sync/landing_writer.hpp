#pragma once
// The database side of one source's sync: a thread that takes batches off the
// queue and lands each in its own transaction, with the run's checkpoint.
// A failure stops it and closes the queue, which ends the sweep.

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/store/landing_store.hpp"
#include "daemon/sync/batch_queue.hpp"

namespace personsync::sync {

class landing_writer {
 public:
  landing_writer(store::landing_store& store, store::run_identity run, std::int64_t run_id, batch_queue& queue,
                 std::string checkpoint);
  ~landing_writer();
  landing_writer(const landing_writer&) = delete;
  landing_writer& operator=(const landing_writer&) = delete;

  void start();
  void join();  // after the queue was finished or closed

  [[nodiscard]] const store::batch_counts& totals() const noexcept { return totals_; }
  [[nodiscard]] const std::optional<std::string>& error() const noexcept { return error_; }
  // The reasons of the first few items the sweep rejected: what a failed run names.
  [[nodiscard]] const std::vector<std::string>& first_rejections() const noexcept { return first_rejections_; }

 private:
  void run();

  store::landing_store& store_;
  store::run_identity run_;
  std::int64_t run_id_;
  batch_queue& queue_;
  std::string checkpoint_;
  store::batch_counts totals_;
  std::optional<std::string> error_;
  std::vector<std::string> first_rejections_;
  std::thread thread_;
};

}  // namespace personsync::sync
