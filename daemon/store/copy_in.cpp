#include "daemon/store/copy_in.hpp"

#include <memory>
#include <stdexcept>

#include <libpq-fe.h>

#include "daemon/store/database.hpp"

namespace personsync::store {

void copy_rows::separate() {
  if (row_started_) data_.push_back('\t');
  row_started_ = true;
}

void copy_rows::field(std::string_view value) {
  separate();
  // Append clean spans whole; only the four characters COPY's text format escapes are written one by one.
  std::size_t clean_from = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char* escape = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : nullptr;
    if (!escape) continue;
    data_.append(value.data() + clean_from, i - clean_from);
    data_.append(escape);
    clean_from = i + 1;
  }
  data_.append(value.data() + clean_from, value.size() - clean_from);
}

void copy_rows::nullable_field(const std::optional<std::string>& value) {
  if (value) {
    field(std::string_view(*value));
  } else {
    null_field();
  }
}

void copy_rows::null_field() {
  separate();
  data_ += "\\N";
}

void copy_rows::end_row() {
  data_.push_back('\n');
  row_started_ = false;
  ++rows_;
}

void copy_in(soci::session& session, const std::string& copy_statement, const copy_rows& rows) {
  PGconn* conn = native_handle(session);
  const auto fail = [&](std::string_view what) { throw_server_error(conn, PQerrorMessage(conn), what); };

  std::unique_ptr<PGresult, decltype(&PQclear)> start(PQexec(conn, copy_statement.c_str()), &PQclear);
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) fail("COPY did not start");
  const std::string& data = rows.data();
  constexpr std::size_t chunk = 1 << 20;
  for (std::size_t at = 0; at < data.size(); at += chunk) {
    const auto n = static_cast<int>(std::min(chunk, data.size() - at));
    if (PQputCopyData(conn, data.data() + at, n) != 1) fail("COPY data was not sent");
  }
  if (PQputCopyEnd(conn, nullptr) != 1) fail("COPY did not end");
  bool failed = false;
  std::string message, sqlstate;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      failed = true;
      message = PQresultErrorMessage(r);
      if (const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE)) sqlstate = state;
    }
    PQclear(r);
  }
  if (failed) throw_server_error(conn, std::move(message), "COPY failed", std::move(sqlstate));
}

void chunked_copy::end_row() {
  rows_.end_row();
  if (rows_.data().size() >= 8u << 20) {
    copy_in(session_, statement_, rows_);
    sent_ += rows_.rows();
    rows_ = copy_rows();
  }
}

void chunked_copy::finish() {
  if (rows_.rows() == 0) return;
  copy_in(session_, statement_, rows_);
  sent_ += rows_.rows();
  rows_ = copy_rows();
}

}  // namespace personsync::store
