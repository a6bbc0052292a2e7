#pragma once
// Plain request and response values for the HTTP client; no Beast in sight.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/secret.hpp"

namespace personsync::net {

struct http_request {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::string body = {};
  // Sent as "Authorization: Bearer …" by the client at the moment of writing,
  // so that the token is never copied into anything that might be logged.
  const secret* bearer = nullptr;
};

struct http_response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lowercase
  std::string body = {};

  [[nodiscard]] std::optional<std::string_view> header(std::string_view lowercase_name) const;
};

struct client_options {
  std::chrono::milliseconds connect_timeout{10'000};  // resolving the host name, connecting, the TLS handshake: each
  std::chrono::milliseconds request_timeout{60'000};  // writing the request and reading the whole response
  std::chrono::milliseconds idle_timeout{30'000};     // an idle kept-alive connection older than this is closed
  std::uint64_t body_limit = 64ull << 20;
  std::optional<std::filesystem::path> ca_file;      // else the system's trust store
  bool allow_insecure_http = false;                   // plain http to hosts that are not loopback
  std::size_t max_idle_per_host = 16;
  std::string user_agent = "personsync";
};

// Failures below HTTP: the request got no (complete) response.
class transport_error : public std::runtime_error {
 public:
  enum class kind { resolve, connect, tls, timeout, closed, protocol, body_too_large, cancelled, refused };

  transport_error(kind k, const std::string& message) : std::runtime_error(message), kind_(k) {}
  [[nodiscard]] kind what_kind() const noexcept { return kind_; }
  // Worth another try: the network or the server may do better next time.
  [[nodiscard]] bool retryable() const noexcept {
    return kind_ != kind::cancelled && kind_ != kind::refused && kind_ != kind::tls && kind_ != kind::body_too_large;
  }

 private:
  kind kind_;
};

}  // namespace personsync::net
