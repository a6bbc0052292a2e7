// COPY in chunks against a real PostgreSQL: rows that span many chunks land
// whole and unchanged, in the text format and in the binary one (each type it
// writes, read back by the server), and a COPY left open by an exception fails
// its transaction instead of keeping the chunks already sent.

#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "daemon/store/copy_in.hpp"
#include "tests/support/test_cluster.hpp"

namespace personsync::store {
namespace {

using testing::scratch_database;

long long scalar(soci::session& s, const std::string& sql) {
  long long n = 0;
  s << sql, soci::into(n);
  return n;
}

// Enough rows for several 1 MiB chunks, with every character the text format escapes.
constexpr int rows = 100'000;
// Every fifth is clean; the others' escapes fall at different offsets of the eight-byte steps.
std::string text_of(int i) {
  if (i % 5 == 0) return "a clean note, longer than sixteen bytes: " + std::to_string(i);
  return std::string(static_cast<std::size_t>(i % 11), '.') + "row " + std::to_string(i) +
         "\twith\\tab\nand\rreturn and some padding";
}

TEST(ChunkedCopy, RowsSpanningManyChunksLandWholeAndUnchanged) {
  scratch_database db;
  const auto session = db.session();
  *session << "CREATE TABLE t (id bigint, ratio double precision, note text)";
  chunked_copy copy(*session, "COPY t (id, ratio, note) FROM STDIN");
  for (int i = 0; i < rows; ++i) {
    copy.rows().field(std::int64_t{i});
    copy.rows().field(i / 3.0);
    if (i % 7 == 0) {
      copy.rows().null_field();
    } else {
      copy.rows().field(text_of(i));
    }
    copy.end_row();
  }
  copy.finish();
  EXPECT_EQ(copy.total_rows(), static_cast<std::size_t>(rows));

  EXPECT_EQ(scalar(*session, "SELECT count(*) FROM t"), rows);
  EXPECT_EQ(scalar(*session, "SELECT count(*) FROM t WHERE note IS NULL"), (rows + 6) / 7);
  // Each value reads back exactly: the doubles to the bit, the texts to the byte.
  EXPECT_EQ(scalar(*session, "SELECT count(*) FROM t WHERE ratio <> id / 3.0::float8"), 0);
  EXPECT_EQ(scalar(*session,
                   "SELECT count(*) FROM t WHERE id % 7 <> 0 AND note IS DISTINCT FROM CASE WHEN id % 5 = 0 "
                   "THEN 'a clean note, longer than sixteen bytes: ' || id "
                   "ELSE repeat('.', (id % 11)::int) || 'row ' || id || E'\\twith\\\\tab\\nand\\rreturn and some padding' END"),
            0);
}

TEST(ChunkedCopy, AnExceptionAfterChunksWereSentFailsTheTransactionAndKeepsNothing) {
  scratch_database db;
  const auto session = db.session();
  *session << "CREATE TABLE t (id bigint, note text)";
  try {
    soci::transaction tx(*session);
    chunked_copy copy(*session, "COPY t (id, note) FROM STDIN");
    for (int i = 0; i < rows; ++i) {
      copy.rows().field(std::int64_t{i});
      copy.rows().field(text_of(i));
      copy.end_row();
      if (i == rows / 2) throw std::runtime_error("the caller failed halfway");
    }
    copy.finish();
    tx.commit();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the caller failed halfway");
  }
  // The session is usable again, and none of the rows sent before the failure stayed.
  EXPECT_EQ(scalar(*session, "SELECT count(*) FROM t"), 0);
}

// Every type the binary writer knows, with NULLs and empty arrays, over several chunks: the server
// reads back exactly what the text of each value says.
TEST(BinaryChunkedCopy, EachTypeLandsAsTheServerReadsItsText) {
  scratch_database db;
  const auto session = db.session();
  *session << "CREATE TABLE t (id bigint, n integer, x double precision, b boolean, note text, doc jsonb, "
              "p uuid, at timestamptz, ps uuid[], keys text[])";
  const std::string upper_uuid = "0E5C8D4A-1B2C-4D3E-8F90-A1B2C3D4E5F6";
  binary_chunked_copy copy(*session, "COPY t (id, n, x, b, note, doc, p, at, ps, keys) FROM STDIN");
  for (int i = 0; i < rows; ++i) {
    binary_copy_rows& r = copy.rows();
    r.int8(std::int64_t{i} * 1'000'000'007);
    r.int4(-i);
    r.float8(i / 3.0);
    r.boolean(i % 2 == 0);
    r.nullable(i % 7 == 0 ? std::nullopt : std::optional(text_of(i)), &binary_copy_rows::text);
    r.nullable(i % 3 == 0 ? std::nullopt : std::optional(fmt::format(R"({{"i": {}, "s": "é\"x"}})", i)),
               &binary_copy_rows::jsonb);
    r.uuid(i % 2 == 0 ? upper_uuid : fmt::format("00000000-0000-4000-8000-{:012x}", i));
    // Microseconds from the Unix epoch, some before PostgreSQL's own (2000-01-01).
    r.timestamptz(std::int64_t{i} * 86'400'000'123 - 400'000'000'000'000);
    r.uuid_array(i % 4 == 0 ? std::vector<std::string>{} : std::vector<std::string>{upper_uuid, upper_uuid});
    r.text_array(i % 5 == 0 ? std::vector<std::string>{} : std::vector<std::string>{"a/b/c", text_of(i)});
    copy.end_row();
  }
  copy.finish();
  EXPECT_EQ(copy.total_rows(), static_cast<std::size_t>(rows));

  EXPECT_EQ(scalar(*session, "SELECT count(*) FROM t"), rows);
  EXPECT_EQ(scalar(*session,
                   "SELECT count(*) FROM t WHERE id % 1000000007 <> 0 OR n <> -(id / 1000000007) "
                   "OR x <> (id / 1000000007) / 3.0::float8 OR b <> ((id / 1000000007) % 2 = 0)"),
            0);
  EXPECT_EQ(scalar(*session,
                   "SELECT count(*) FROM (SELECT id / 1000000007 AS i, * FROM t) v WHERE "
                   "(note IS NULL) <> (i % 7 = 0) OR (i % 7 <> 0 AND note IS DISTINCT FROM CASE WHEN i % 5 = 0 "
                   "THEN 'a clean note, longer than sixteen bytes: ' || i "
                   "ELSE repeat('.', (i % 11)::int) || 'row ' || i || E'\\twith\\\\tab\\nand\\rreturn and some padding' END) "
                   "OR doc IS DISTINCT FROM CASE WHEN i % 3 <> 0 THEN jsonb_build_object('i', i, 's', 'é\"x') END "
                   "OR p <> CASE WHEN i % 2 = 0 THEN '0e5c8d4a-1b2c-4d3e-8f90-a1b2c3d4e5f6'::uuid "
                   "ELSE ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid END "
                   "OR at <> to_timestamp(0) + make_interval(secs => 0) "
                   "  + (i * 86400000123 - 400000000000000) * interval '1 microsecond' "
                   "OR cardinality(ps) <> CASE WHEN i % 4 = 0 THEN 0 ELSE 2 END "
                   "OR (i % 4 <> 0 AND ps[2] <> '0e5c8d4a-1b2c-4d3e-8f90-a1b2c3d4e5f6') "
                   "OR cardinality(keys) <> CASE WHEN i % 5 = 0 THEN 0 ELSE 2 END "
                   "OR (i % 5 <> 0 AND keys[1] <> 'a/b/c')"),
            0);
}

TEST(BinaryChunkedCopy, RefusesAnIdThatIsNotACanonicalUuid) {
  binary_copy_rows r;
  for (const char* bad : {"", "0e5c8d4a1b2c4d3e8f90a1b2c3d4e5f6", "{0e5c8d4a-1b2c-4d3e-8f90-a1b2c3d4e5f6}",
                          "0e5c8d4a-1b2c-4d3e-8f90-a1b2c3d4e5fg", "0e5c8d4a-1b2c-4d3e-8f90a-1b2c3d4e5f6"}) {
    EXPECT_THROW(r.uuid(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace personsync::store
