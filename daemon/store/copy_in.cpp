#include "daemon/store/copy_in.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <libpq-fe.h>

#include "daemon/store/database.hpp"

namespace personsync::store {

void copy_rows::separate() {
  if (row_started_) data_.push_back('\t');
  row_started_ = true;
}

namespace {

// How many leading bytes, in steps of eight, hold none that the text format escapes (\t \n \r, all
// below 14, and the backslash): values seldom hold one, and the byte-by-byte test was a second of
// the client's time in a full resolution at a million records.
std::size_t clean_prefix(std::string_view value) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  std::size_t at = 0;
  for (; at + 8 <= value.size(); at += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, value.data() + at, 8);
    const std::uint64_t below_14 = (w - ones * 14) & ~w & highs;  // some byte < 14
    const std::uint64_t x = w ^ (ones * '\\');
    const std::uint64_t backslash = (x - ones) & ~x & highs;  // some byte == '\\'
    if ((below_14 | backslash) != 0) break;
  }
  return at;
}

// Numbers straight into the payload: no escaping needed, no string of their own.
template <typename Number>
void append_number(std::string& data, Number value) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  data.append(text, end);
}

void start_copy(PGconn* conn, const std::string& copy_statement) {
  std::unique_ptr<PGresult, decltype(&PQclear)> start(PQexec(conn, copy_statement.c_str()), &PQclear);
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) {
    throw_result_error(conn, start.get(), "COPY did not start");
  }
}

void send_copy_data(PGconn* conn, const std::string& data) {
  constexpr std::size_t chunk = 1 << 20;
  for (std::size_t at = 0; at < data.size(); at += chunk) {
    const auto n = static_cast<int>(std::min(chunk, data.size() - at));
    if (PQputCopyData(conn, data.data() + at, n) != 1) {
      throw_server_error(conn, PQerrorMessage(conn), "COPY data was not sent");
    }
  }
}

// Ends the COPY: with `abandoned`, the server fails it (and its transaction) instead of keeping its rows.
void end_copy(PGconn* conn, const char* abandoned = nullptr) {
  if (PQputCopyEnd(conn, abandoned) != 1) throw_server_error(conn, PQerrorMessage(conn), "COPY did not end");
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
  if (failed && !abandoned) throw_server_error(conn, std::move(message), "COPY failed", std::move(sqlstate));
}

}  // namespace

void copy_rows::field(std::string_view value) {
  static constexpr auto escape_of = [] {
    std::array<const char*, 256> table{};
    table['\\'] = "\\\\";
    table['\n'] = "\\n";
    table['\r'] = "\\r";
    table['\t'] = "\\t";
    return table;
  }();
  separate();
  // Append clean spans whole; only the four characters COPY's text format escapes are written one by one.
  std::size_t clean_from = 0;
  for (std::size_t i = clean_prefix(value); i < value.size(); ++i) {
    const char* escape = escape_of[static_cast<unsigned char>(value[i])];
    if (!escape) continue;
    data_.append(value.data() + clean_from, i - clean_from);
    data_.append(escape);
    clean_from = i + 1;
  }
  data_.append(value.data() + clean_from, value.size() - clean_from);
}

void copy_rows::field(std::int64_t value) {
  separate();
  append_number(data_, value);
}

void copy_rows::field(double value) {
  separate();
  append_number(data_, value);
}

void copy_rows::null_field() {
  separate();
  data_ += "\\N";
}

void copy_rows::clear() {
  data_.clear();
  rows_ = 0;
  row_started_ = false;
}

void copy_rows::end_row() {
  data_.push_back('\n');
  row_started_ = false;
  ++rows_;
}

void copy_in(soci::session& session, const std::string& copy_statement, const copy_rows& rows) {
  PGconn* conn = native_handle(session);
  start_copy(conn, copy_statement);
  send_copy_data(conn, rows.data());
  end_copy(conn);
}

template <typename Rows>
basic_chunked_copy<Rows>::~basic_chunked_copy() {
  if (!open_) return;
  try {
    end_copy(native_handle(session_), "personsync stopped writing these rows");
  } catch (...) {  // NOLINT(bugprone-empty-catch): already unwinding; the transaction fails either way
  }
}

template <typename Rows>
void basic_chunked_copy<Rows>::end_row() {
  rows_.end_row();
  if (rows_.data().size() >= send_at) send();
}

template <typename Rows>
void basic_chunked_copy<Rows>::send() {
  PGconn* conn = native_handle(session_);
  if (!open_) start_copy(conn, statement_);
  open_ = true;
  send_copy_data(conn, rows_.data());
  sent_ += rows_.rows();
  rows_.clear();
}

template <typename Rows>
void basic_chunked_copy<Rows>::finish() {
  if (rows_.rows() > 0 || open_) {
    rows_.end_stream();
    send();
  }
  if (open_) {
    open_ = false;
    end_copy(native_handle(session_));
  }
  rows_ = Rows();
}

template class basic_chunked_copy<copy_rows>;
template class basic_chunked_copy<binary_copy_rows>;

}  // namespace personsync::store
