#include "daemon/store/silent_server_watch.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace personsync::store {
namespace {

using std::chrono::milliseconds;

// How often the sockets are looked at: a silent server is noticed within deadline + this.
constexpr milliseconds look_every{500};

struct watched {
  PGconn* conn;
  int fd;
  milliseconds deadline;
  std::optional<backend_identity> backend;
  bool closed = false;
};

// The milliseconds since data last went out and since it last came in, or nothing when the socket is
// not TCP.
struct socket_quiet {
  milliseconds since_sent;
  milliseconds since_received;
};

std::optional<socket_quiet> read_quiet(int fd) {
  tcp_info info{};
  socklen_t size = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return std::nullopt;
  return socket_quiet{milliseconds(info.tcpi_last_data_sent), milliseconds(info.tcpi_last_data_recv)};
}

class silent_server_watch {
 public:
  void watch(PGconn* conn, milliseconds deadline) {
    const int fd = PQsocket(conn);
    if (fd < 0 || !read_quiet(fd)) return;  // not TCP: nothing on the path to stall
    std::unique_lock lock(mutex_);
    sessions_.push_back({.conn = conn, .fd = fd, .deadline = deadline, .backend = {}, .closed = false});
    if (running_) return;
    if (thread_.joinable()) thread_.join();  // the last one ended when the list emptied
    running_ = true;
    thread_ = std::thread([this] { look_until_empty(); });
  }

  void name(PGconn* conn, backend_identity backend) {
    const std::scoped_lock lock(mutex_);
    for (watched& w : sessions_) {
      if (w.conn == conn) w.backend = std::move(backend);
    }
  }

  std::vector<backend_identity> take_abandoned() {
    const std::scoped_lock lock(mutex_);
    return std::exchange(abandoned_, {});
  }

  void forget(PGconn* conn) noexcept {
    const std::scoped_lock lock(mutex_);
    std::erase_if(sessions_, [&](const watched& w) { return w.conn == conn; });
  }

  bool closed(PGconn* conn) noexcept {
    const std::scoped_lock lock(mutex_);
    return std::ranges::any_of(sessions_, [&](const watched& w) { return w.conn == conn && w.closed; });
  }

 private:
  void look_until_empty() {
    std::unique_lock lock(mutex_);
    while (!sessions_.empty()) {
      for (watched& w : sessions_) {
        if (w.closed) continue;
        // Waiting on the server: libpq has a command in progress, its last bytes went out at least the
        // deadline ago, and nothing has come in since. The kernel's timestamps alone cannot tell an
        // answer that came in the same millisecond as the next request from one that preceded it.
        if (PQtransactionStatus(w.conn) != PQTRANS_ACTIVE) continue;
        const auto quiet = read_quiet(w.fd);
        if (!quiet || quiet->since_received < quiet->since_sent || quiet->since_sent < w.deadline) continue;
        spdlog::warn("PostgreSQL has sent nothing for {} ms since a request (deadline {} ms): closing the "
                     "connection; a server or something on the path stopped answering",
                     quiet->since_sent.count(), w.deadline.count());
        // Under the lock: forget() cannot return, and the fd cannot be closed and reused, meanwhile.
        ::shutdown(w.fd, SHUT_RDWR);
        w.closed = true;
        if (w.backend) abandoned_.push_back(*w.backend);
      }
      wake_.wait_for(lock, look_every);
    }
    running_ = false;
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<watched> sessions_;
  std::vector<backend_identity> abandoned_;
  bool running_ = false;
  std::thread thread_;
};

// Never destroyed: a session closed during exit may still call forget.
silent_server_watch& the_watch() {
  static auto* watch = new silent_server_watch;
  return *watch;
}

}  // namespace

milliseconds answer_deadline(milliseconds statement_timeout) {
  return statement_timeout + std::min(statement_timeout, milliseconds(10'000));
}

void watch_connection(PGconn* conn, milliseconds deadline) { the_watch().watch(conn, deadline); }
void name_backend(PGconn* conn, backend_identity backend) { the_watch().name(conn, std::move(backend)); }
void forget_connection(PGconn* conn) noexcept { the_watch().forget(conn); }
std::vector<backend_identity> take_abandoned_backends() { return the_watch().take_abandoned(); }
bool closed_for_silence(PGconn* conn) noexcept { return the_watch().closed(conn); }

}  // namespace personsync::store
