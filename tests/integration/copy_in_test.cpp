// COPY in chunks against a real PostgreSQL: rows that span many chunks land
// whole and unchanged, and a COPY left open by an exception fails its
// transaction instead of keeping the chunks already sent.

#include <stdexcept>

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

}  // namespace
}  // namespace personsync::store
