// COPY … TO STDOUT against a real PostgreSQL: the binary format decodes to the
// values the text format prints, for every type identity resolution reads
// that way; a callback or a field that fails leaves the session usable.

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/store/copy_out.hpp"
#include "tests/support/test_cluster.hpp"

namespace personsync::store {
namespace {

using testing::scratch_database;

constexpr int rows = 20'000;

// Every kind of value, with NULLs, times before and after 2000-01-01 and texts with what the text format escapes.
void fill(soci::session& s) {
  s << "CREATE TABLE t AS SELECT i::bigint AS id, i * 1000000007::bigint AS big, i / 3.0::float8 AS x, i % 2 = 0 AS b, "
       "  CASE WHEN i % 7 <> 0 THEN 'row ' || i || E'\\twith\\\\tab\\nand é' END AS note, "
       "  CASE WHEN i % 3 <> 0 THEN jsonb_build_object('i', i, 's', E'q\"\\\\') END AS doc, "
       "  CASE WHEN i % 5 <> 0 THEN ('00000000-0000-4000-8000-' || lpad(to_hex(i * 7919), 12, '0'))::uuid END AS p, "
       "  CASE WHEN i % 11 <> 0 THEN timestamptz '1990-06-01 12:00:00.5+00' + i * interval '1 day 3.000001 s' END AS at "
       "FROM generate_series(1, " << rows << ") i";
}

struct row_values {
  std::int64_t id = 0, big = 0;
  double x = 0;
  bool b = false;
  std::optional<std::string> note, doc, p;
  std::optional<std::int64_t> at_micros;
  bool operator==(const row_values&) const = default;
};

TEST(CopyOut, BinaryFieldsDecodeToWhatTheTextFormatPrints) {
  scratch_database db;
  const auto session = db.session();
  fill(*session);
  const auto text = [](const std::optional<std::string_view>& f) {
    return f ? std::optional<std::string>(std::string(*f)) : std::nullopt;
  };

  std::vector<row_values> from_text;
  copy_out(*session,
           "SELECT id, big, x, b, note, doc::text, p::text, (extract(epoch FROM at) * 1000000)::bigint FROM t ORDER BY id",
           [&](copy_row f) {
             row_values v;
             v.id = std::stoll(std::string(*f[0]));
             v.big = std::stoll(std::string(*f[1]));
             v.x = std::stod(std::string(*f[2]));
             v.b = *f[3] == "t";
             v.note = text(f[4]);
             v.doc = text(f[5]);
             v.p = text(f[6]);
             if (f[7]) v.at_micros = std::stoll(std::string(*f[7]));
             from_text.push_back(std::move(v));
           });

  std::vector<row_values> from_binary;
  copy_out_binary(*session, "SELECT id, big, x, b, note, doc, p, at FROM t ORDER BY id", [&](copy_row f) {
    row_values v;
    v.id = binary_field::int8(*f[0]);
    v.big = binary_field::int8(*f[1]);
    v.x = binary_field::float8(*f[2]);
    v.b = binary_field::boolean(*f[3]);
    v.note = text(f[4]);
    if (f[5]) v.doc = std::string(binary_field::jsonb_text(*f[5]));
    if (f[6]) v.p = binary_field::uuid_text(*f[6]);
    if (f[7]) v.at_micros = binary_field::timestamptz_unix_micros(*f[7]);
    from_binary.push_back(std::move(v));
  });

  ASSERT_EQ(from_text.size(), static_cast<std::size_t>(rows));
  ASSERT_EQ(from_binary.size(), from_text.size());
  for (std::size_t i = 0; i < from_text.size(); ++i) ASSERT_EQ(from_binary[i], from_text[i]) << "row " << i + 1;
  EXPECT_FALSE(from_binary[6].note);  // id 7
  EXPECT_EQ(from_binary[0].at_micros, 644'328'003'500'001);  // 1990-06-01 12:00:00.5 + a day and 3 s
}

TEST(CopyOut, AFailingCallbackOrFieldLeavesTheSessionUsable) {
  scratch_database db;
  const auto session = db.session();
  fill(*session);
  int seen = 0;
  EXPECT_THROW(copy_out_binary(*session, "SELECT id FROM t",
                               [&](copy_row) {
                                 if (++seen == 10) throw std::runtime_error("the caller failed");
                               }),
               std::runtime_error);
  EXPECT_EQ(seen, 10);  // no row handed over after the failure

  // A wrong size is refused with what was wrong; so is a time the caller cannot hold.
  try {
    copy_out_binary(*session, "SELECT 1::int4", [](copy_row f) { binary_field::int8(*f[0]); });
    ADD_FAILURE() << "a 4-byte integer read as a bigint";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("a bigint of 4 bytes"), std::string::npos) << e.what();
  }
  for (const char* time : {"'infinity'", "'294276-12-31 23:59:59+00'"}) {  // the latter past 64-bit unix micros
    EXPECT_THROW(copy_out_binary(*session, std::string("SELECT ") + time + "::timestamptz",
                                 [](copy_row f) { binary_field::timestamptz_unix_micros(*f[0]); }),
                 std::runtime_error)
        << time;
  }

  long long n = 0;
  *session << "SELECT count(*) FROM t", soci::into(n);
  EXPECT_EQ(n, rows);
}

}  // namespace
}  // namespace personsync::store
