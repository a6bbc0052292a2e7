#pragma once
// The simulators' HTTP/1.1 server: Beast, coroutines, keep-alive, optional
// TLS, on 127.0.0.1 at a port the OS picks. A handler answers each request;
// the server applies the reply's delay and, for fault injection, can cut the
// connection in the middle of the body.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace personsync::fakes {

struct sim_request {
  std::string method;
  std::string target;  // path and query as sent
  std::string path;
  std::map<std::string, std::string> query;  // decoded
  std::string authorization;                 // the Authorization header, if any
  std::string host;                          // the Host header
  std::string body;
  std::map<std::string, std::string> headers;  // every header, the name in lower case
};

struct sim_reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};  // before the reply is written
  bool close_mid_body = false;         // send the headers and half the body, then close
};

struct tls_files {
  std::filesystem::path certificate_chain;
  std::filesystem::path private_key;
};

class sim_server {
 public:
  using handler = std::function<sim_reply(const sim_request&)>;

  // Listens at once (port 0: the OS picks); serves once run() or a thread runs `io`.
  sim_server(boost::asio::io_context& io, handler handle, std::uint16_t port = 0,
             std::optional<tls_files> tls = std::nullopt);
  ~sim_server();
  sim_server(const sim_server&) = delete;
  sim_server& operator=(const sim_server&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  void stop();  // closes the acceptor and every open connection
  // Closes the open connections but keeps listening, as a server dropping idle keep-alives does.
  void close_connections();

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace personsync::fakes
