#pragma once
// SIGINT and SIGTERM for a command that runs once (`personsync sync`), as
// `personsync run` has them: the first asks the work to stop (requests
// cancelled, the open batch committed or rolled back, runs closed cancelled);
// a second one exits at once. Handled on a thread of its own for as long as
// the object lives.

#include <atomic>
#include <functional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace personsync::runtime {

class stop_signals {
 public:
  // `on_stop` runs once, on the signal thread, at the first signal.
  explicit stop_signals(std::function<void()> on_stop);
  ~stop_signals();
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  // The first signal received, 0 if none.
  [[nodiscard]] int received() const noexcept { return received_.load(); }

 private:
  void wait();

  std::function<void()> on_stop_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  std::atomic<int> received_{0};
  std::thread thread_;
};

}  // namespace personsync::runtime
