#include "daemon/store/binary_copy_rows.hpp"

#include <bit>
#include <limits>
#include <stdexcept>

#include "common/uuid.hpp"
#include "daemon/store/binary_format.hpp"

namespace personsync::store {
namespace {

using binary_format::write_big_endian;

// Element types of the arrays written here (pg_type.oid; fixed since the catalog began).
constexpr std::int32_t text_oid = 25;
constexpr std::int32_t uuid_oid = 2950;

template <typename Unsigned>
void put_big_endian(std::string& data, Unsigned value) {
  char bytes[sizeof(Unsigned)];
  write_big_endian(bytes, value);
  data.append(bytes, sizeof bytes);
}

void put_int16(std::string& data, std::int16_t v) { put_big_endian(data, static_cast<std::uint16_t>(v)); }
void put_int32(std::string& data, std::int32_t v) { put_big_endian(data, static_cast<std::uint32_t>(v)); }
void put_int64(std::string& data, std::int64_t v) { put_big_endian(data, static_cast<std::uint64_t>(v)); }

std::int32_t length_of(std::size_t n) {
  if (n > 0x7fffffff) throw std::length_error("a COPY field of more than 2 GiB");
  return static_cast<std::int32_t>(n);
}

}  // namespace

binary_copy_rows::binary_copy_rows() {
  data_.append(binary_format::signature);
  put_int32(data_, 0);  // flags: no oids
  put_int32(data_, 0);  // no header extension
}

void binary_copy_rows::start_row_once() {
  if (row_start_) return;
  row_start_ = data_.size();
  put_int16(data_, 0);  // the field count, written at the row's end
}

void binary_copy_rows::put_field_length(std::int32_t length) {
  start_row_once();
  ++fields_;
  put_int32(data_, length);
}

void binary_copy_rows::start_field(std::size_t length) { put_field_length(length_of(length)); }

void binary_copy_rows::int4(std::int32_t value) {
  start_field(4);
  put_int32(data_, value);
}

void binary_copy_rows::int8(std::int64_t value) {
  start_field(8);
  put_int64(data_, value);
}

void binary_copy_rows::float8(double value) {
  start_field(8);
  put_big_endian(data_, std::bit_cast<std::uint64_t>(value));
}

void binary_copy_rows::boolean(bool value) {
  start_field(1);
  data_.push_back(value ? '\1' : '\0');
}

void binary_copy_rows::text(std::string_view value) {
  start_field(value.size());
  data_.append(value);
}

void binary_copy_rows::jsonb(std::string_view json_text) {
  start_field(1 + json_text.size());
  data_.push_back('\1');  // jsonb's only binary version: its text follows
  data_.append(json_text);
}

void binary_copy_rows::put_uuid(std::string_view canonical) {
  const uuid_bytes bytes = parse_uuid(canonical);
  data_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void binary_copy_rows::uuid(std::string_view canonical) {
  start_field(16);
  put_uuid(canonical);
}

void binary_copy_rows::timestamptz(std::int64_t unix_micros) {
  // Below this the difference overflows, and at it stands for -infinity.
  if (unix_micros <= std::numeric_limits<std::int64_t>::min() + binary_format::postgres_epoch_unix_micros) {
    throw std::out_of_range("a time before any PostgreSQL timestamp");
  }
  start_field(8);
  put_int64(data_, unix_micros - binary_format::postgres_epoch_unix_micros);
}

// An array: its dimensions (none when empty), no NULL elements, the element type, then each element as a field.
void binary_copy_rows::start_array(std::int32_t element_oid, std::size_t elements, std::size_t element_bytes) {
  const std::size_t header = elements == 0 ? 12 : 20;
  start_field(header + 4 * elements + element_bytes);
  put_int32(data_, elements == 0 ? 0 : 1);
  put_int32(data_, 0);
  put_int32(data_, element_oid);
  if (elements != 0) {
    put_int32(data_, length_of(elements));
    put_int32(data_, 1);  // lower bound
  }
}

void binary_copy_rows::uuid_array(const std::vector<std::string>& canonical) {
  start_array(uuid_oid, canonical.size(), 16 * canonical.size());
  for (const std::string& id : canonical) {
    put_int32(data_, 16);
    put_uuid(id);
  }
}

void binary_copy_rows::text_array(const std::vector<std::string>& values) {
  std::size_t bytes = 0;
  for (const std::string& v : values) bytes += v.size();
  start_array(text_oid, values.size(), bytes);
  for (const std::string& v : values) {
    put_int32(data_, length_of(v.size()));
    data_.append(v);
  }
}

void binary_copy_rows::null_field() { put_field_length(-1); }  // a NULL is a length of -1 and no bytes

void binary_copy_rows::end_row() {
  start_row_once();
  write_big_endian(data_.data() + *row_start_, static_cast<std::uint16_t>(fields_));
  row_start_.reset();
  fields_ = 0;
  ++rows_;
}

void binary_copy_rows::clear() {
  data_.clear();
  rows_ = 0;
  row_start_.reset();
  fields_ = 0;
}

void binary_copy_rows::end_stream() { put_int16(data_, -1); }

}  // namespace personsync::store
