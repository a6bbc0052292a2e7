#include "tests/support/stalling_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>
#include <utility>

namespace personsync::testing {
namespace {

sockaddr_in loopback_address(const std::string& host, int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) throw std::runtime_error("not an IPv4 address: " + host);
  return address;
}

// Moves what one side sent to the other (or nowhere, when silent); false at end of stream or error.
bool pass(int from, int to, bool silent) {
  std::array<char, 16384> buffer{};
  const ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
  if (n <= 0) return false;
  if (silent) return true;
  for (ssize_t sent = 0; sent < n;) {
    const ssize_t k = ::send(to, buffer.data() + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
    if (k <= 0) return false;
    sent += k;
  }
  return true;
}

}  // namespace

stalling_proxy::stalling_proxy(const std::string& upstream_host, int upstream_port)
    : upstream_host_(upstream_host), upstream_port_(upstream_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback_address("127.0.0.1", 0);
  socklen_t size = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("stalling_proxy: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { loop(); });
}

stalling_proxy::~stalling_proxy() {
  stopping_ = true;
  thread_.join();
  for (const link& l : links_) {
    if (l.client >= 0) ::close(l.client);
    ::close(l.server);
  }
  ::close(listener_);
}

int stalling_proxy::go_silent() {
  const std::scoped_lock lock(mutex_);
  for (link& l : links_) l.silent = true;
  return static_cast<int>(links_.size());
}

void stalling_proxy::accept_one() {
  const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in upstream = loopback_address(upstream_host_, upstream_port_);
  if (server < 0 || ::connect(server, reinterpret_cast<const sockaddr*>(&upstream), sizeof upstream) != 0) {
    ::close(client);
    if (server >= 0) ::close(server);
    return;
  }
  const std::scoped_lock lock(mutex_);
  links_.push_back({client, server});
}

// One thread, polling every socket with a short timeout so that the destructor is never kept waiting.
void stalling_proxy::loop() {
  while (!stopping_) {
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    std::vector<link> snapshot;
    {
      const std::scoped_lock lock(mutex_);
      snapshot = links_;
    }
    for (const link& l : snapshot) {
      fds.push_back({l.client, POLLIN, 0});  // a negative fd is skipped by poll
      fds.push_back({l.server, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
    if ((fds[0].revents & POLLIN) != 0) accept_one();
    std::vector<int> ended;
    std::vector<int> client_gone;
    for (std::size_t i = 0; i < snapshot.size(); ++i) {
      const link& l = snapshot[i];
      bool alive = true;
      if (l.client >= 0 && fds[1 + 2 * i].revents != 0 && !pass(l.client, l.server, l.silent)) {
        // A stalled path does not pass the client's FIN on: the server's side stays open.
        if (l.silent) {
          client_gone.push_back(l.server);
        } else {
          alive = false;
        }
      }
      if (alive && fds[2 + 2 * i].revents != 0) alive = pass(l.server, l.client, l.silent);
      if (!alive) ended.push_back(l.server);
    }
    const std::scoped_lock lock(mutex_);
    for (const int server : client_gone) {
      for (link& l : links_) {
        if (l.server == server && l.client >= 0) ::close(std::exchange(l.client, -1));
      }
    }
    for (const int server : ended) {
      std::erase_if(links_, [&](const link& l) {
        if (l.server != server) return false;
        if (l.client >= 0) ::close(l.client);
        ::close(l.server);
        return true;
      });
    }
  }
}

}  // namespace personsync::testing
