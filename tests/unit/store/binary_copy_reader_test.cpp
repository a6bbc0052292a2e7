// The binary COPY reader and writer without a server: what the fuzzer
// (tests/fuzz/copy_binary_fuzz) found, each refused as documented.

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/store/binary_copy_reader.hpp"
#include "daemon/store/binary_copy_rows.hpp"
#include "daemon/store/binary_format.hpp"

namespace personsync::store {
namespace {

std::string big_endian_bytes(std::uint64_t v, std::size_t n) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[n - 1 - i] = static_cast<char>(v >> (8 * i) & 0xff);
  return out;
}

std::size_t rows_read(const std::vector<std::string>& messages) {
  binary_copy_reader reader;
  std::size_t rows = 0;
  for (const std::string& m : messages) reader.read(m, [&](copy_row) { ++rows; });
  return rows;
}

TEST(BinaryCopyReader, ReadsWhatTheWriterWrote) {
  binary_copy_rows rows;
  rows.int8(-5);
  rows.null_field();
  rows.text("a\tb");
  rows.timestamptz(1'700'000'000'123'456);
  rows.end_row();
  rows.end_stream();
  binary_copy_reader reader;
  int seen = 0;
  reader.read(rows.data(), [&](copy_row f) {
    ++seen;
    ASSERT_EQ(f.size(), 4u);
    EXPECT_EQ(binary_field::int8(*f[0]), -5);
    EXPECT_FALSE(f[1]);
    EXPECT_EQ(*f[2], "a\tb");
    EXPECT_EQ(binary_field::timestamptz_unix_micros(*f[3]), 1'700'000'000'123'456);
  });
  EXPECT_EQ(seen, 1);
}

// A field count below zero is the trailer's (-1) or nothing: it was read as a row of no fields.
TEST(BinaryCopyReader, ANegativeFieldCountOtherThanTheTrailersIsRefused) {
  const binary_copy_rows header;
  EXPECT_EQ(rows_read({header.data(), big_endian_bytes(0, 2), big_endian_bytes(0xffff, 2)}), 1u);
  for (const std::uint64_t count : {0xfffeu, 0xa00du, 0x8000u}) {
    SCOPED_TRACE(count);
    EXPECT_THROW(rows_read({header.data(), big_endian_bytes(count, 2)}), std::runtime_error);
  }
}

// Nothing may follow the trailer, in its message or in a later one: it was read as more rows.
TEST(BinaryCopyReader, BytesAfterTheTrailerAreRefused) {
  const binary_copy_rows header;
  const std::string row = big_endian_bytes(0, 2), trailer = big_endian_bytes(0xffff, 2);
  EXPECT_EQ(rows_read({header.data(), row, trailer}), 1u);
  EXPECT_THROW(rows_read({header.data(), row, trailer + row}), std::runtime_error);
  EXPECT_THROW(rows_read({header.data(), row, trailer, row}), std::runtime_error);
}

// Header flags 16 to 31 change the format (16: an OID before each tuple); 0 to 15 do not.
TEST(BinaryCopyReader, HeaderFlagsThatChangeTheFormatAreRefused) {
  const binary_copy_rows written;
  const auto with_flags = [&](std::uint32_t flags) {
    std::string header(written.data().substr(0, binary_format::header_size));
    header.replace(binary_format::signature.size(), 4, big_endian_bytes(flags, 4));
    return header;
  };
  EXPECT_EQ(rows_read({with_flags(0x0000ffffU), big_endian_bytes(0, 2), big_endian_bytes(0xffff, 2)}), 1u);
  for (const std::uint32_t flags : {0x00010000U, 0x80000000U}) {
    SCOPED_TRACE(flags);
    EXPECT_THROW(rows_read({with_flags(flags), big_endian_bytes(0, 2)}), std::runtime_error);
  }
}

// PostgreSQL's timestamps reach 294276 AD; in microseconds from 1970 the sum overflowed past January 294247.
TEST(BinaryCopyReader, ATimestampPastWhatUnixMicrosecondsHoldIsRefused) {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t last = max - binary_format::postgres_epoch_unix_micros;
  EXPECT_EQ(binary_field::timestamptz_unix_micros(big_endian_bytes(static_cast<std::uint64_t>(last), 8)), max);
  for (const std::int64_t micros : {last + 1, std::int64_t{9'223'371'331'199'999'999}}) {  // to 294276-12-31 23:59:59.999999
    EXPECT_THROW(binary_field::timestamptz_unix_micros(big_endian_bytes(static_cast<std::uint64_t>(micros), 8)),
                 std::runtime_error);
  }
}

// The difference from 2000 overflowed before 290278 BC, and at its least it wrote -infinity.
TEST(BinaryCopyRows, ATimeBeforeAnyTimestampIsRefusedAndNothingWritten) {
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  binary_copy_rows rows;
  const std::string before = rows.data();
  for (const std::int64_t micros : {min, min + binary_format::postgres_epoch_unix_micros}) {
    EXPECT_THROW(rows.timestamptz(micros), std::out_of_range);
    EXPECT_EQ(rows.data(), before);
  }
  rows.timestamptz(min + binary_format::postgres_epoch_unix_micros + 1);
  rows.end_row();
  binary_copy_reader reader;
  reader.read(rows.data(), [&](copy_row f) {
    EXPECT_EQ(binary_field::timestamptz_unix_micros(*f[0]), min + binary_format::postgres_epoch_unix_micros + 1);
  });
}

}  // namespace
}  // namespace personsync::store
