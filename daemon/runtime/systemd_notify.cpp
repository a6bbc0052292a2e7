#include "daemon/runtime/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace personsync::runtime {

systemd_notifier::systemd_notifier() {
  if (const char* path = std::getenv("NOTIFY_SOCKET"); path && *path) socket_path_ = path;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  const bool ours = !pid || std::strtol(pid, nullptr, 10) == static_cast<long>(getpid());
  if (usec && ours) {
    const long long value = std::strtoll(usec, nullptr, 10);
    if (value > 0) watchdog_ = std::chrono::microseconds(value);
  }
}

void systemd_notifier::status(std::string_view line) {
  std::string text(line);
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  send("STATUS=" + text);
}

void systemd_notifier::reloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
  send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec));
}

bool systemd_notifier::send(std::string_view message) {
  if (socket_path_.empty()) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(address.sun_path)) return false;
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  const socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());

  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  // Never wait: a manager that does not read its socket must not stall the event loop (the watchdog
  // is fed from it). A message that does not fit is dropped; the next one says the same or more.
  const ssize_t sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                              reinterpret_cast<const sockaddr*>(&address), length);
  close(fd);
  if (sent < 0) spdlog::debug("systemd notify failed: {}", std::strerror(errno));
  return sent == static_cast<ssize_t>(message.size());
}

}  // namespace personsync::runtime
