#include "daemon/store/binary_copy_reader.hpp"

#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "common/uuid.hpp"
#include "daemon/store/binary_format.hpp"

namespace personsync::store {
namespace {

using binary_format::read_big_endian;

std::runtime_error malformed(std::string_view what) {
  return std::runtime_error(fmt::format("malformed binary COPY data from the server: {}", what));
}

template <typename Unsigned>
Unsigned fixed_size(std::string_view field, const char* type) {
  if (field.size() != sizeof(Unsigned)) throw malformed(fmt::format("a {} of {} bytes", type, field.size()));
  return read_big_endian<Unsigned>(field.data());
}

// Splits one binary tuple into fields (views into `data`); returns false at the trailer.
bool split_tuple(std::string_view& data, std::vector<std::optional<std::string_view>>& fields) {
  fields.clear();
  if (data.size() < 2) throw malformed("a cut tuple");
  const auto count = static_cast<std::int16_t>(read_big_endian<std::uint16_t>(data.data()));
  data.remove_prefix(2);
  if (count == -1) return false;
  if (count < 0) throw malformed(fmt::format("a tuple of {} fields", count));
  for (std::int16_t i = 0; i < count; ++i) {
    if (data.size() < 4) throw malformed("a cut field");
    const auto length = static_cast<std::int32_t>(read_big_endian<std::uint32_t>(data.data()));
    data.remove_prefix(4);
    if (length == -1) {
      fields.emplace_back(std::nullopt);
      continue;
    }
    if (length < 0 || static_cast<std::size_t>(length) > data.size()) throw malformed("a field longer than its tuple");
    fields.emplace_back(data.substr(0, static_cast<std::size_t>(length)));
    data.remove_prefix(static_cast<std::size_t>(length));
  }
  return true;
}

// The file header: signature, flags, and the length of an extension to skip. Flag bits 16 to 31
// change the format (bit 16: an OID before each tuple's fields); the reader knows none of them,
// and a tuple read without knowing would be read wrong, so it refuses them. Bits 0 to 15 are
// compatible and ignored, as the format asks.
void skip_header(std::string_view& data) {
  using binary_format::header_size;
  if (!data.starts_with(binary_format::signature) || data.size() < header_size) throw malformed("no header");
  const std::uint32_t flags = read_big_endian<std::uint32_t>(data.data() + binary_format::signature.size());
  if ((flags & 0xffff0000U) != 0) throw malformed(fmt::format("header flags {:#010x}, which change the format", flags));
  const std::uint32_t extension = read_big_endian<std::uint32_t>(data.data() + header_size - 4);
  if (data.size() < header_size + static_cast<std::size_t>(extension)) throw malformed("a cut header");
  data.remove_prefix(header_size + extension);
}

}  // namespace

void binary_copy_reader::read(std::string_view message, const std::function<void(copy_row)>& on_row) {
  if (!header_read_) {
    skip_header(message);
    header_read_ = true;
  }
  if (ended_ && !message.empty()) throw malformed("data after the trailer");
  while (!message.empty()) {
    if (!split_tuple(message, fields_)) {
      ended_ = true;
      if (!message.empty()) throw malformed("data after the trailer");
      return;
    }
    on_row(fields_);
  }
}

namespace binary_field {

std::int64_t int8(std::string_view field) {
  return static_cast<std::int64_t>(fixed_size<std::uint64_t>(field, "bigint"));
}

double float8(std::string_view field) { return std::bit_cast<double>(fixed_size<std::uint64_t>(field, "double")); }

bool boolean(std::string_view field) { return fixed_size<std::uint8_t>(field, "boolean") != 0; }

std::int64_t timestamptz_unix_micros(std::string_view field) {
  const auto micros = static_cast<std::int64_t>(fixed_size<std::uint64_t>(field, "timestamp"));
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (micros == max || micros == std::numeric_limits<std::int64_t>::min()) throw malformed("a timestamp at infinity");
  // PostgreSQL's timestamps reach 294276 AD, 64 bits of microseconds from 1970 only January 294247.
  if (micros > max - binary_format::postgres_epoch_unix_micros) {
    throw malformed("a timestamp past what microseconds from 1970 hold (294247 AD)");
  }
  return micros + binary_format::postgres_epoch_unix_micros;
}

std::string uuid_text(std::string_view field) {
  if (field.size() != 16) throw malformed(fmt::format("a uuid of {} bytes", field.size()));
  uuid_bytes bytes{};
  std::memcpy(bytes.data(), field.data(), bytes.size());
  return personsync::uuid_text(bytes);
}

std::string_view jsonb_text(std::string_view field) {
  if (field.empty() || field.front() != '\1') throw malformed("a jsonb of an unknown version");
  return field.substr(1);
}

}  // namespace binary_field

}  // namespace personsync::store
