#pragma once
// Stopping a sync from another thread (the daemon's SIGTERM): cancel() is
// safe from anywhere; the run in progress cancels its requests on its own
// event loop, lets the open batch commit or roll back, and closes its runs as
// cancelled.

#include <functional>
#include <mutex>

namespace personsync::sync {

class sync_cancellation {
 public:
  // The canceller runs under the lock (it only posts to the run's event loop), so that
  // it never runs after detach() — when that loop may be gone.
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    if (canceller_) canceller_();
  }

  [[nodiscard]] bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

  // For run_sync: what cancel() runs while a sync is in progress.
  void attach(std::function<void()> canceller) {
    std::lock_guard lock(mutex_);
    canceller_ = std::move(canceller);
    if (cancelled_) canceller_();
  }
  void detach() {
    std::lock_guard lock(mutex_);
    canceller_ = nullptr;
  }

 private:
  mutable std::mutex mutex_;
  std::function<void()> canceller_;
  bool cancelled_ = false;
};

}  // namespace personsync::sync
