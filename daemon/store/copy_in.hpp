#pragma once
// COPY … FROM STDIN in PostgreSQL's text format, through the native PGconn
// behind a SOCI session: hundreds of thousands of rows a second, where SOCI's
// vector binding would make one round trip per row.

#include <optional>
#include <string>
#include <string_view>

#include <soci/soci.h>

namespace personsync::store {

// One COPY payload, built row by row.
class copy_rows {
 public:
  void field(std::string_view value);  // escaped for the text format
  void nullable_field(const std::optional<std::string>& value);
  void null_field();
  void end_row();

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

// Rows for one COPY statement, sent whenever the buffer passes a few MiB, so that
// a million rows never sit in memory at once. Call finish() to send the rest.
class chunked_copy {
 public:
  chunked_copy(soci::session& session, std::string copy_statement)
      : session_(session), statement_(std::move(copy_statement)) {}
  copy_rows& rows() { return rows_; }
  void end_row();
  void finish();
  [[nodiscard]] std::size_t total_rows() const noexcept { return sent_ + rows_.rows(); }

 private:
  soci::session& session_;
  std::string statement_;
  copy_rows rows_;
  std::size_t sent_ = 0;
};

}  // namespace personsync::store
