#pragma once
// The small HTTP endpoint of `personsync run`: GET routes answered from
// callbacks (/metrics, /healthz, /readyz), on the daemon's event loop. Beast
// stays inside the .cpp.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "daemon/http/http_config.hpp"

namespace personsync::http {

// What one route of the metrics and health endpoint answers (the HTTP client's response is
// net::http_response).
struct endpoint_response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using route_handler = std::function<endpoint_response()>;

class health_server {
 public:
  // Listens at once; throws std::system_error when the address cannot be bound.
  health_server(boost::asio::any_io_executor executor, const http_config& config,
                std::map<std::string, route_handler> routes);
  ~health_server();
  health_server(const health_server&) = delete;
  health_server& operator=(const health_server&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // Stops accepting and closes open connections.
  void stop();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace personsync::http
