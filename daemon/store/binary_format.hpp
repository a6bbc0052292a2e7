#pragma once
// What COPY's binary format is made of, for its writer (binary_copy_rows) and
// its reader (copy_out_binary): https://www.postgresql.org/docs/15/sql-copy.html

#include <cstdint>
#include <string_view>

namespace personsync::store::binary_format {

inline constexpr std::string_view copy_option = " (FORMAT binary)";
// The header: this signature, 32 bits of flags, and the length of an extension (32 bits).
inline constexpr std::string_view signature("PGCOPY\n\377\r\n\0", 11);
inline constexpr std::size_t header_size = 19;
// PostgreSQL's timestamps count microseconds from 2000-01-01 00:00:00 UTC.
inline constexpr std::int64_t postgres_epoch_unix_micros = 946'684'800'000'000;

// Every number is big-endian.
template <typename Unsigned>
void write_big_endian(char* out, Unsigned value) {
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    out[sizeof(Unsigned) - 1 - i] = static_cast<char>(value & 0xff);
    value = static_cast<Unsigned>(value >> 8);
  }
}

template <typename Unsigned>
Unsigned read_big_endian(const char* bytes) {
  Unsigned value = 0;
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    value = static_cast<Unsigned>(value << 8 | static_cast<unsigned char>(bytes[i]));
  }
  return value;
}

}  // namespace personsync::store::binary_format
