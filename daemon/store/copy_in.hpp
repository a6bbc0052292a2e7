#pragma once
// COPY … FROM STDIN in PostgreSQL's text format, through the native PGconn
// behind a SOCI session: hundreds of thousands of rows a second, where SOCI's
// vector binding would make one round trip per row.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <soci/soci.h>

namespace personsync::store {

// One COPY payload, built row by row.
class copy_rows {
 public:
  void field(std::string_view value);  // escaped for the text format
  void field(std::int64_t value);
  void field(double value);  // shortest text that reads back the same double
  void nullable_field(const std::optional<std::string>& value);
  void null_field();
  void end_row();
  // Empties the payload and keeps its buffer, for the next chunk.
  void clear();

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
class chunked_copy {
 public:
  chunked_copy(soci::session& session, std::string copy_statement)
      : session_(session), statement_(std::move(copy_statement)) {}
  chunked_copy(const chunked_copy&) = delete;
  chunked_copy& operator=(const chunked_copy&) = delete;
  ~chunked_copy();
  copy_rows& rows() { return rows_; }
  void end_row();
  void finish();
  [[nodiscard]] std::size_t total_rows() const noexcept { return sent_ + rows_.rows(); }

 private:
  static constexpr std::size_t send_at = 1 << 20;
  void send();
  soci::session& session_;
  std::string statement_;
  copy_rows rows_;
  std::size_t sent_ = 0;
  bool open_ = false;
};

}  // namespace personsync::store
