#pragma once
// systemd's side of the notify protocol, for tests: a datagram socket whose
// path goes into $NOTIFY_SOCKET of the process under test, and the messages
// it received.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace personsync::testing {

class notify_socket {
 public:
  explicit notify_socket(const std::filesystem::path& path);
  ~notify_socket();
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  // Waits for a message containing `text` (messages before it are kept in received()).
  std::optional<std::string> wait_for(const std::string& text, std::chrono::milliseconds timeout);
  [[nodiscard]] const std::vector<std::string>& received() const noexcept { return received_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> received_;
  std::size_t scanned_ = 0;
};

// GET over loopback with a fresh connection: {status, body}; status 0 when it could not connect.
std::pair<int, std::string> http_get(std::uint16_t port, const std::string& path);

}  // namespace personsync::testing
