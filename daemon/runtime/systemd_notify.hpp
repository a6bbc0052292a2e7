#pragma once
// systemd's notify protocol (sd_notify(3)): one datagram of "KEY=value" lines
// to the socket in $NOTIFY_SOCKET. Without the variable (not under systemd)
// every call does nothing.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace personsync::runtime {

class systemd_notifier {
 public:
  // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC (and $WATCHDOG_PID, which must be ours if set).
  systemd_notifier();

  [[nodiscard]] bool enabled() const noexcept { return !socket_path_.empty(); }
  // How often systemd expects WATCHDOG=1, when it asked for it.
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const noexcept { return watchdog_; }

  void ready() { send("READY=1"); }
  void status(std::string_view line);
  void watchdog() { send("WATCHDOG=1"); }
  void reloading();  // RELOADING=1 with MONOTONIC_USEC, as systemd 253 asks
  void stopping() { send("STOPPING=1"); }

  // Sends one message; false when it could not be sent (logged at debug: systemd may be gone).
  bool send(std::string_view message);

 private:
  std::string socket_path_;  // '@' first: an abstract socket
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace personsync::runtime
