#pragma once
// Stops everything one sync started: every coroutine spawned with a slot from
// the scope is cancelled (Asio per-operation cancellation, so in-flight
// requests, backoff sleeps and rate-limit waits end at once), and anything that
// checks the scope afterwards sees it stopped. Used from its io_context thread.

#include <list>

#include <boost/asio/cancellation_signal.hpp>

namespace personsync::paging {

class cancel_scope {
 public:
  // A slot for one coroutine spawned under this scope.
  boost::asio::cancellation_slot new_slot() { return signals_.emplace_back().slot(); }

  void cancel() {
    if (cancelled_) return;
    cancelled_ = true;
    for (auto& signal : signals_) signal.emit(boost::asio::cancellation_type::terminal);
  }

  [[nodiscard]] bool cancelled() const noexcept { return cancelled_; }

 private:
  std::list<boost::asio::cancellation_signal> signals_;  // a list: slots must not move
  bool cancelled_ = false;
};

}  // namespace personsync::paging
