#pragma once
// A TCP proxy on 127.0.0.1 in front of a server that can stall the way a pooler, a load balancer or a
// NAT flow does: after go_silent() every connection open at that moment stops forwarding in both
// directions while the proxy keeps reading it, so the client's kernel sees every byte acknowledged and
// keepalives answered, and nothing ever comes back (not even the client's FIN reaches the server).
// Connections made later pass through.

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace personsync::testing {

class stalling_proxy {
 public:
  stalling_proxy(const std::string& upstream_host, int upstream_port);
  ~stalling_proxy();
  stalling_proxy(const stalling_proxy&) = delete;
  stalling_proxy& operator=(const stalling_proxy&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  // Stalls every connection open now; returns how many there were.
  int go_silent();

 private:
  struct link {
    int client;
    int server;
    bool silent = false;
  };
  void loop();
  void accept_one();

  std::string upstream_host_;
  int upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<link> links_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace personsync::testing
