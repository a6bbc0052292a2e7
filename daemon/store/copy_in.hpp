#pragma once
// COPY … FROM STDIN in PostgreSQL's text format (or its binary one, with
// binary_copy_rows), through the native PGconn behind a SOCI session: hundreds of thousands of rows a second, where SOCI's
// vector binding would make one round trip per row.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <soci/soci.h>

#include "daemon/store/binary_copy_rows.hpp"

namespace personsync::store {

// One COPY payload, built row by row.
class copy_rows {
 public:
  static constexpr std::string_view copy_option{};  // the text format is COPY's default

  void field(std::string_view value);  // escaped for the text format
  void field(std::int64_t value);
  void field(double value);  // shortest text that reads back the same double
  void null_field();
  void end_row();
  // Empties the payload and keeps its buffer, for the next chunk.
  void clear();
  void end_stream() {}  // the text format ends with its last row

  [[nodiscard]] const std::string& data() const noexcept { return data_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

 private:
  void separate();
  std::string data_;
  std::size_t rows_ = 0;
  bool row_started_ = false;
};

// Runs `copy_statement` ("COPY t (a, b) FROM STDIN") with the rows; throws with the server's message.
void copy_in(soci::session& session, const std::string& copy_statement, const copy_rows& rows);

// Rows for one COPY statement, kept open from the first send to finish(): each
// chunk goes out once it passes 1 MiB, and the server takes it in while the
// next is formatted (with a COPY per chunk, each waited for its end, the two
// took turns). The session is the COPY's until finish(); one left open by an
// exception is ended as failed, which fails the caller's transaction.
// `Rows` is the format: copy_rows (text) or binary_copy_rows; the statement
// ("COPY t (a, b) FROM STDIN") gets the format's option here.
template <typename Rows>
class basic_chunked_copy {
 public:
  basic_chunked_copy(soci::session& session, const std::string& copy_statement)
      : session_(session), statement_(copy_statement + std::string(Rows::copy_option)) {}
  basic_chunked_copy(const basic_chunked_copy&) = delete;
  basic_chunked_copy& operator=(const basic_chunked_copy&) = delete;
  ~basic_chunked_copy();
  Rows& rows() { return rows_; }
  void end_row();
  void finish();
  [[nodiscard]] std::size_t total_rows() const noexcept { return sent_ + rows_.rows(); }

 private:
  static constexpr std::size_t send_at = 1 << 20;
  void send();
  soci::session& session_;
  std::string statement_;
  Rows rows_;
  std::size_t sent_ = 0;
  bool open_ = false;
};

using chunked_copy = basic_chunked_copy<copy_rows>;
using binary_chunked_copy = basic_chunked_copy<binary_copy_rows>;
extern template class basic_chunked_copy<copy_rows>;
extern template class basic_chunked_copy<binary_copy_rows>;

}  // namespace personsync::store
