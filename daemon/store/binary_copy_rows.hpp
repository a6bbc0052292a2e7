#pragma once
// A COPY payload in PostgreSQL's binary format, for the identity outcome's large
// writes: the server takes each value as it is stored instead of parsing its
// text (its COPY from a file of 590,000 persons: 4.5 s against 6.1 s; of a
// million assignments, whose uuids are most of the text's cost: 0.3 s against 1.0 s).
//
// The format carries no types: each method writes the bytes one column type
// receives, so the caller names its column's type, and a column whose type
// changes needs its writer changed too (until then the server refuses the rows).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/binary_format.hpp"

namespace personsync::store {

class binary_copy_rows {
 public:
  static constexpr std::string_view copy_option = binary_format::copy_option;

  binary_copy_rows();  // the payload starts with the format's header

  void int4(std::int32_t value);
  void int8(std::int64_t value);
  void float8(double value);
  void boolean(bool value);
  void text(std::string_view value);
  void jsonb(std::string_view json_text);  // the server still parses and checks it
  // "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as PostgreSQL prints a uuid; throws on anything else.
  void uuid(std::string_view canonical);
  // Throws std::out_of_range, writing nothing, for a time before what a timestamp's 64 bits of
  // microseconds from 2000 can count (the server itself refuses any before 4714 BC).
  void timestamptz(std::int64_t unix_micros);
  void uuid_array(const std::vector<std::string>& canonical);
  void text_array(const std::vector<std::string>& values);
  void null_field();
  // The value through `write` (one of the methods above), or a NULL.
  template <typename T, typename Arg>
  void nullable(const std::optional<T>& value, void (binary_copy_rows::*write)(Arg)) {
    if (value) {
      (this->*write)(*value);
    } else {
      null_field();
    }
  }
  void end_row();

  // Empties the payload for the next chunk of the same COPY (the header is sent once).
  void clear();
  // What ends the stream after the last row.
  void end_stream();

  [[nodiscard]] const std::string& data() const noexcept { return data_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

 private:
  void start_row_once();
  // Each field is its length in bytes (-1: NULL), then the bytes.
  void put_field_length(std::int32_t length);
  void start_field(std::size_t length);
  void start_array(std::int32_t element_oid, std::size_t elements, std::size_t element_bytes);
  void put_uuid(std::string_view canonical);

  std::string data_;
  std::size_t rows_ = 0;
  std::optional<std::size_t> row_start_;  // where the row's field count goes
  std::int16_t fields_ = 0;
};

}  // namespace personsync::store
