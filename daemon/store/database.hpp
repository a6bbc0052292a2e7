#pragma once
// Connections to PostgreSQL. SOCI for statements; the native PGconn behind a
// session for what SOCI cannot do on PostgreSQL (multi-statement scripts, COPY).

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <libpq-fe.h>
#include <soci/soci.h>

#include "daemon/store/database_config.hpp"

namespace personsync::store {

// The server cannot be reached or refused the login (exit code 69).
class database_unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Takes a session off the silent-server watch, then closes it.
struct session_closer {
  void operator()(soci::session* session) const noexcept;
};
using session_handle = std::unique_ptr<soci::session, session_closer>;

// Opens one session with search_path, statement_timeout and lock_timeout set, its socket watched for a
// server that stops answering (silent_server_watch.hpp).
session_handle connect(const database_config& cfg);

PGconn* native_handle(soci::session& session);

// Cancels the statement a session is running, from any thread (a stop arriving while a
// resolution's long statement runs): the statement fails with SQLSTATE 57014 and its
// transaction rolls back. Nothing happens when the session is between statements.
class statement_canceller {
 public:
  explicit statement_canceller(soci::session& session);
  ~statement_canceller();
  statement_canceller(const statement_canceller&) = delete;
  statement_canceller& operator=(const statement_canceller&) = delete;
  void cancel() noexcept;

 private:
  PGcancel* cancel_;
};

// The server refused a statement issued through libpq directly (COPY, scripts).
class server_error : public std::runtime_error {
 public:
  server_error(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// Throws what a failed libpq call means: database_unavailable when the connection
// is gone, else a server_error with `context`, the server's message and its SQLSTATE.
[[noreturn]] void throw_server_error(PGconn* conn, std::string message, std::string_view context = {},
                                     std::string sqlstate = {});
// The same for a failed statement's result (null: none came), its message and SQLSTATE read from it,
// so that a caller can tell a lock timeout or a deadlock (is_transient) from the rest.
[[noreturn]] void throw_result_error(PGconn* conn, const PGresult* result, std::string_view context = {});

// The SQLSTATE of a failed statement ("23505"), from SOCI or from libpq; "" when unknown.
std::string sqlstate_of(const std::exception& e);

// Runs SQL that may hold several statements (PQexec); throws with the server's message.
void execute_script(soci::session& session, std::string_view sql);

// The server's message of a failed statement, without SOCI's copy of the whole query.
std::string describe(const std::exception& e);

// A deadlock, a serialization failure or a lock wait that timed out: the transaction may simply be
// tried again.
bool is_transient(const std::exception& e);

// Who holds locks on the schema's tables now, for a message: "psql (pid 4242, idle in transaction)".
// Outside a failed transaction only (read after its rollback).
std::string lock_holders(soci::session& session);

// SQL for a timestamptz column as ISO 8601 in UTC ("2026-11-22T21:04:12Z"), what the CLI prints.
std::string iso_utc(std::string_view column);

// Double-quotes an identifier for SQL.
std::string quote_identifier(std::string_view name);
// A string literal for SQL that cannot take parameters (COPY (query) TO STDOUT), escaped by libpq.
std::string quote_literal(soci::session& session, std::string_view value);

}  // namespace personsync::store
