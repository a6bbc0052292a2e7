#include "daemon/store/database.hpp"

#include "daemon/store/backend_termination.hpp"
#include "daemon/store/silent_server_watch.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace personsync::store {

namespace {

// Ends the backends that connections shut for silence left behind (silent_server_watch.hpp), so that
// their locks go now rather than when the stalled path finally drops them. Best effort: the backend may
// be gone already, or belong to another cluster than this session's.
void end_abandoned_backends(soci::session& session) {
  for (const backend_identity& backend : take_abandoned_backends()) {
    try {
      int ended = 0;
      session << "SELECT coalesce(sum(ended), 0)::int FROM (" +
                     terminate_chosen_backends("SELECT pid FROM pg_stat_activity WHERE pid = :pid"
                                               " AND backend_start::text = :started") + ") t",
          soci::use(backend.pid), soci::use(backend.started), soci::into(ended);
      if (ended > 0) spdlog::warn("ended the backend (pid {}) a stalled connection left holding its locks", backend.pid);
    } catch (const std::exception& e) {
      spdlog::warn("could not end the backend (pid {}) a stalled connection left: {}", backend.pid, describe(e));
    }
  }
}

}  // namespace

void session_closer::operator()(soci::session* session) const noexcept {
  if (session->get_backend() != nullptr) forget_connection(native_handle(*session));
  delete session;
}

session_handle connect(const database_config& cfg) {
  session_handle session(new soci::session);
  try {
    session->open(soci::postgresql, libpq_connection_string(cfg));
  } catch (const soci::soci_error& e) {
    // libpq's message names host and reason; it never repeats the password.
    std::string reason = e.get_error_message();
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    throw database_unavailable(fmt::format("cannot connect to PostgreSQL: {}", reason));
  }
  watch_connection(native_handle(*session), answer_deadline(cfg.statement_timeout));
  // Server notices ("already exists, skipping") belong in the debug log, not on stderr.
  PQsetNoticeProcessor(native_handle(*session), [](void*, const char* message) {
    std::string_view text(message);
    while (text.ends_with('\n')) text.remove_suffix(1);
    spdlog::debug("postgres: {}", text);
  }, nullptr);
  // JIT compilation pays off for long analytic queries; personsync's are many short
  // set-based statements, where compiling took longer than running (about 1 s per
  // statement measured on the golden-record refresh of a thousand persons).
  // Every wait on the server has a deadline: a statement stuck behind a lock, or running away, fails
  // (SQLSTATE 55P03 or 57014) instead of parking the writer thread for ever.
  execute_script(*session, fmt::format("SET search_path TO {}; SET jit = off; SET statement_timeout = {}; "
                                       "SET lock_timeout = {}",
                                       quote_identifier(cfg.schema), cfg.statement_timeout.count(),
                                       cfg.lock_timeout.count()));
  backend_identity backend;
  *session << "SELECT pid, backend_start::text FROM pg_stat_activity WHERE pid = pg_backend_pid()",
      soci::into(backend.pid), soci::into(backend.started);
  name_backend(native_handle(*session), std::move(backend));
  end_abandoned_backends(*session);
  return session;
}

PGconn* native_handle(soci::session& session) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return backend->conn_;
}

void execute_script(soci::session& session, std::string_view sql) {
  PGconn* conn = native_handle(session);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, std::string(sql).c_str()), &PQclear);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return;

  throw_result_error(conn, result.get());
}

void throw_result_error(PGconn* conn, const PGresult* result, std::string_view context) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  throw_server_error(conn, result ? PQresultErrorMessage(result) : PQerrorMessage(conn), context, state ? state : "");
}

void throw_server_error(PGconn* conn, std::string message, std::string_view context, std::string sqlstate) {
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (PQstatus(conn) != CONNECTION_OK) {
    if (closed_for_silence(conn)) message = "PostgreSQL stopped answering and the connection was closed (" + message + ")";
    throw database_unavailable("lost the connection to PostgreSQL: " + message);
  }
  throw server_error(context.empty() ? message : std::string(context) + ": " + message, std::move(sqlstate));
}

std::string sqlstate_of(const std::exception& e) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) return pg->sqlstate();
  if (const auto* server = dynamic_cast<const server_error*>(&e)) return server->sqlstate();
  return {};
}

std::string describe(const std::exception& e) {
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) {
    std::string message = soci_error->get_error_message();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return message;
  }
  return e.what();
}

statement_canceller::statement_canceller(soci::session& session) : cancel_(PQgetCancel(native_handle(session))) {}

statement_canceller::~statement_canceller() {
  if (cancel_) PQfreeCancel(cancel_);
}

void statement_canceller::cancel() noexcept {
  char error[256];
  // Best effort: a cancel that cannot reach the server leaves the statement to its statement_timeout.
  if (cancel_ && !PQcancel(cancel_, error, sizeof error)) spdlog::warn("cancelling a statement failed: {}", error);
}

bool is_transient(const std::exception& e) {
  const std::string state = sqlstate_of(e);
  return state == "40P01" || state == "40001" || state == "55P03";
}

std::string lock_holders(soci::session& session) {
  std::string holders;
  soci::indicator ind = soci::i_null;
  try {
    session << "SELECT string_agg(DISTINCT format('%s (pid %s, %s)', coalesce(nullif(a.application_name, ''), "
               "'no application_name'), a.pid, coalesce(a.state, 'unknown')), ', ') "
               "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
               "WHERE l.granted AND l.pid <> pg_backend_pid() AND l.relation IN ("
               "  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
               "  WHERE n.nspname = current_schema())",
        soci::into(holders, ind);
  } catch (const std::exception& e) {
    return "the holders could not be read: " + describe(e);
  }
  return ind == soci::i_ok ? holders : "none now";
}

std::string iso_utc(std::string_view column) {
  return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", column);
}

std::string quote_literal(soci::session& session, std::string_view value) {
  PGconn* conn = native_handle(session);
  char* quoted = PQescapeLiteral(conn, value.data(), value.size());
  if (!quoted) throw_server_error(conn, PQerrorMessage(conn), "quoting a literal");
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace personsync::store
