#include "daemon/runtime/stop_signals.hpp"

#include <csignal>
#include <cstdlib>

#include <spdlog/spdlog.h>

namespace personsync::runtime {

stop_signals::stop_signals(std::function<void()> on_stop)
    : on_stop_(std::move(on_stop)), signals_(io_, SIGINT, SIGTERM) {
  wait();
  thread_ = std::thread([this] { io_.run(); });
}

stop_signals::~stop_signals() {
  io_.stop();
  thread_.join();
}

void stop_signals::wait() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (received_.exchange(signal) != 0) {
      // The operator asked twice: what is committed stays, the open transaction rolls back.
      spdlog::warn("{} again: exiting at once", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      std::_Exit(128 + signal);
    }
    spdlog::warn("{}: stopping (a second signal exits at once)", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    on_stop_();
    wait();
  });
}

}  // namespace personsync::runtime
