#pragma once
// A client-side deadline for a server that stops answering while something on the path still
// acknowledges every byte (a stalled proxy, pooler or NAT flow): keepalives and tcp_user_timeout see a
// healthy connection, and the server's statement_timeout never fires because the server never got the
// statement, so libpq would wait in poll() for ever. SOCI offers no hook at statement boundaries, so
// a thread looks at every session instead: one with a command in progress (PQtransactionStatus, two
// ints libpq's owner thread writes, read here without its lock: a stale read moves the decision by
// one look at most) whose last bytes went out the deadline ago with nothing received since is waiting
// on a server that is not there. Its socket is shut down; libpq's wait then ends with "server closed
// the connection", the statement fails as database_unavailable, and the run fails instead of hanging.
//
// One thread for the process, running only while sessions are watched. Linux only (TCP_INFO); a session
// over a Unix socket is not watched (its peer is a local server, not a path that can stall).

#include <chrono>
#include <string>
#include <vector>

#include <libpq-fe.h>

namespace personsync::store {

// The longest a connection may wait for the first byte of an answer: the server's own statement_timeout
// ends any statement before then and answers, so silence past it plus a margin (its own length, at most
// 10 s: network and the server's cancel) means no server.
std::chrono::milliseconds answer_deadline(std::chrono::milliseconds statement_timeout);

// A backend on the server, as pg_stat_activity names it: a pid alone could be another's by now.
struct backend_identity {
  int pid = 0;
  std::string started;  // backend_start as text
};

// Watches the connection's socket from now on. `conn` must stay open until forget_connection.
void watch_connection(PGconn* conn, std::chrono::milliseconds deadline);
// Which backend serves the watched connection (read once the session is set up).
void name_backend(PGconn* conn, backend_identity backend);
// Stops watching; after it returns the watch never touches the socket again (call it before PQfinish).
void forget_connection(PGconn* conn) noexcept;
// Whether the watch shut this connection's socket for silence (for an error message).
bool closed_for_silence(PGconn* conn) noexcept;
// The backends of the connections shut for silence, each handed out once: behind a stalled path such a
// backend lives on, holding its session's advisory locks and open transaction until its TCP peer goes,
// so the next session ends it.
std::vector<backend_identity> take_abandoned_backends();

}  // namespace personsync::store
