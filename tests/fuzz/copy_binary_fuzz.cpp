// The binary COPY reader (binary_copy_reader, binary_field) on what a server
// could send, and the writer (binary_copy_rows) against it. The first byte picks:
//  - even: the rest is CopyData messages, each a 16-bit big-endian length and
//    its bytes, each in a buffer of its own size. The reader refuses what is
//    malformed with std::runtime_error, nothing else; every row it hands over
//    lies inside its message and is, encoded again, exactly the bytes it read
//    (up to the trailer); each binary_field reader takes a field or refuses it
//    with std::runtime_error.
//  - odd: the rest chooses rows of typed values; binary_copy_rows writes them,
//    cut into messages at row boundaries as a server sends them, and the reader
//    gives back every value as written.

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/uuid.hpp"
#include "daemon/store/binary_copy_reader.hpp"
#include "daemon/store/binary_copy_rows.hpp"
#include "daemon/store/binary_format.hpp"

using namespace personsync;
using namespace personsync::store;

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "copy_binary_fuzz: %s\n", what);
  std::abort();
}

template <typename Unsigned>
Unsigned big_endian(std::string_view bytes, std::size_t at) {
  if (bytes.size() < at + sizeof(Unsigned)) fail("a field shorter than its type");
  return binary_format::read_big_endian<Unsigned>(bytes.data() + at);
}

// Each binary_field reader on one field: it reads it or refuses it with std::runtime_error.
void read_every_way(std::string_view field) {
  const auto refused = [](auto read) {
    try {
      read();
    } catch (const std::runtime_error&) {
    }
  };
  refused([&] { (void)binary_field::int8(field); });
  refused([&] { (void)binary_field::float8(field); });
  refused([&] { (void)binary_field::boolean(field); });
  refused([&] { (void)binary_field::timestamptz_unix_micros(field); });
  refused([&] { (void)binary_field::uuid_text(field); });
  refused([&] { (void)binary_field::jsonb_text(field); });
}

// The tuple `row` was read from: the same fields through binary_copy_rows, without its header.
std::string encoded_again(copy_row row) {
  binary_copy_rows rows;
  for (const auto& field : row) {
    if (field) {
      rows.text(*field);
    } else {
      rows.null_field();
    }
  }
  rows.end_row();
  return rows.data().substr(binary_format::header_size);
}

void any_messages(std::string_view in) {
  binary_copy_reader reader;
  bool first = true;
  while (in.size() >= 2) {
    const std::size_t length = std::min<std::size_t>(big_endian<std::uint16_t>(in, 0), in.size() - 2);
    const std::string_view bytes = in.substr(2, length);
    in.remove_prefix(2 + length);
    const auto buffer = std::make_unique<char[]>(bytes.size());  // ASan sees a read past its end
    std::copy(bytes.begin(), bytes.end(), buffer.get());
    const std::string_view message(buffer.get(), bytes.size());

    // What the reader takes of this message: the header (in the first), then whole tuples.
    std::size_t taken = 0;
    if (first && message.starts_with(binary_format::signature) && message.size() >= binary_format::header_size) {
      taken = binary_format::header_size + big_endian<std::uint32_t>(message, binary_format::header_size - 4);
    }
    const bool header_expected = first;
    first = false;
    const auto on_row = [&](copy_row row) {
      for (const auto& field : row) {
        if (!field) continue;
        if (field->data() < message.data() || field->data() + field->size() > message.data() + message.size()) {
          fail("a field outside its message");
        }
        read_every_way(*field);
      }
      const std::string tuple = encoded_again(row);
      if (message.substr(taken, tuple.size()) != tuple) fail("a row that is not the bytes it was read from");
      taken += tuple.size();
    };
    try {
      reader.read(message, on_row);
    } catch (const std::runtime_error&) {
      return;  // refused: the session ends here, as copy_out_binary's does
    }
    if (header_expected && taken == 0 && !message.empty()) fail("a first message read without its header");
    // Read whole: to its end, or to the trailer, which ends the COPY.
    if (taken == message.size()) continue;
    if (big_endian<std::uint16_t>(message, taken) != 0xffff) fail("a message read only in part");
    return;
  }
}

// What binary_copy_rows writes; kMaxValue for FuzzedDataProvider::ConsumeEnum.
enum class kind : std::uint8_t {
  null, int4, int8, float8, boolean, text, jsonb, uuid, timestamptz, uuid_array, text_array, kMaxValue = text_array
};

struct value {
  kind k = kind::null;
  std::int64_t integer = 0;  // int4, int8, float8's bits, boolean, timestamptz
  std::string text;          // text, jsonb, uuid (as PostgreSQL prints it)
  std::vector<std::string> list;
};

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A uuid's canonical text in either case, or (a quarter of the time) any 36 bytes.
std::string some_uuid(FuzzedDataProvider& in) {
  if (in.ConsumeIntegralInRange(0, 3) == 0) return in.ConsumeBytesAsString(36);
  uuid_bytes bytes{};
  for (auto& b : bytes) b = in.ConsumeIntegral<std::uint8_t>();
  std::string text = uuid_text(bytes);
  if (in.ConsumeBool()) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

bool is_uuid(std::string_view text) {
  try {
    (void)parse_uuid(text);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

// Writes one value the input chooses; what was written, or nothing when the writer refused it before writing.
std::optional<value> write_value(FuzzedDataProvider& in, binary_copy_rows& rows) {
  value v;
  v.k = in.ConsumeEnum<kind>();
  switch (v.k) {
    case kind::null: rows.null_field(); break;
    case kind::int4: v.integer = in.ConsumeIntegral<std::int32_t>(); rows.int4(static_cast<std::int32_t>(v.integer)); break;
    case kind::int8: v.integer = in.ConsumeIntegral<std::int64_t>(); rows.int8(v.integer); break;
    case kind::float8: {
      const auto bits = in.ConsumeIntegral<std::uint64_t>();
      v.integer = static_cast<std::int64_t>(bits);
      rows.float8(std::bit_cast<double>(bits));
      break;
    }
    case kind::boolean: v.integer = in.ConsumeBool(); rows.boolean(v.integer != 0); break;
    case kind::text: v.text = in.ConsumeRandomLengthString(64); rows.text(v.text); break;
    case kind::jsonb: v.text = in.ConsumeRandomLengthString(64); rows.jsonb(v.text); break;
    case kind::uuid: {
      const std::string text = some_uuid(in);
      if (!is_uuid(text)) return std::nullopt;  // the writer refuses it: see uuid_array
      v.text = lowercase(text);
      rows.uuid(text);
      break;
    }
    case kind::timestamptz:
      v.integer = in.ConsumeIntegral<std::int64_t>();
      try {
        rows.timestamptz(v.integer);
      } catch (const std::out_of_range&) {
        return std::nullopt;  // before any PostgreSQL timestamp
      }
      break;
    case kind::uuid_array: {
      const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 4);
      std::vector<std::string> texts;
      for (std::size_t i = 0; i < n; ++i) texts.push_back(some_uuid(in));
      if (!std::all_of(texts.begin(), texts.end(), is_uuid)) {
        // "throws on anything else": a writer of its own, as the field it began is left incomplete.
        binary_copy_rows scratch;
        try {
          scratch.uuid_array(texts);
        } catch (const std::invalid_argument&) {
          return std::nullopt;
        }
        fail("a uuid array with no uuid in it written");
      }
      for (const auto& t : texts) v.list.push_back(lowercase(t));
      rows.uuid_array(texts);
      break;
    }
    case kind::text_array: {
      const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 4);
      for (std::size_t i = 0; i < n; ++i) v.list.push_back(in.ConsumeRandomLengthString(32));
      rows.text_array(v.list);
      break;
    }
  }
  return v;
}

// An array as binary_copy_rows writes one: dimensions, no NULLs, the element type, then each element.
std::vector<std::string> array_elements(std::string_view field, std::uint32_t element_oid) {
  const std::uint32_t dims = big_endian<std::uint32_t>(field, 0);
  if (big_endian<std::uint32_t>(field, 4) != 0 || big_endian<std::uint32_t>(field, 8) != element_oid) fail("an array's header");
  std::size_t at = 12;
  std::uint32_t n = 0;
  if (dims == 1) {
    n = big_endian<std::uint32_t>(field, 12);
    if (n == 0 || big_endian<std::uint32_t>(field, 16) != 1) fail("an array's dimension");
    at = 20;
  } else if (dims != 0) {
    fail("an array of more than one dimension");
  }
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t length = big_endian<std::uint32_t>(field, at);
    at += 4;
    if (field.size() < at + length) fail("an array element longer than its array");
    out.emplace_back(field.substr(at, length));
    at += length;
  }
  if (at != field.size()) fail("an array longer than its elements");
  return out;
}

void check(const value& v, const std::optional<std::string_view>& field) {
  if (v.k == kind::null) {
    if (field) fail("a NULL read as a value");
    return;
  }
  if (!field) fail("a value read as a NULL");
  const std::string_view f = *field;
  switch (v.k) {
    case kind::null: break;
    case kind::int4:
      if (static_cast<std::int32_t>(big_endian<std::uint32_t>(f, 0)) != v.integer || f.size() != 4) fail("an int4");
      break;
    case kind::int8:
      if (binary_field::int8(f) != v.integer) fail("an int8");
      break;
    case kind::float8:
      if (std::bit_cast<std::uint64_t>(binary_field::float8(f)) != static_cast<std::uint64_t>(v.integer)) fail("a float8");
      break;
    case kind::boolean:
      if (binary_field::boolean(f) != (v.integer != 0)) fail("a boolean");
      break;
    case kind::text:
      if (f != v.text) fail("a text");
      break;
    case kind::jsonb:
      if (binary_field::jsonb_text(f) != v.text) fail("a jsonb");
      break;
    case kind::uuid:
      if (binary_field::uuid_text(f) != v.text) fail("a uuid");
      break;
    case kind::timestamptz:
      if (binary_field::timestamptz_unix_micros(f) != v.integer) fail("a timestamptz");
      break;
    case kind::uuid_array: {
      std::vector<std::string> read;
      for (const auto& e : array_elements(f, 2950)) read.push_back(binary_field::uuid_text(e));
      if (read != v.list) fail("a uuid array");
      break;
    }
    case kind::text_array:
      if (array_elements(f, 25) != v.list) fail("a text array");
      break;
  }
}

void round_trip(FuzzedDataProvider& in) {
  binary_copy_rows rows;
  std::vector<std::vector<value>> written;
  std::vector<std::string> messages;
  const auto cut = [&] {
    if (rows.data().empty()) return;  // the server sends no empty message
    messages.push_back(rows.data());
    rows.clear();
  };
  const std::size_t row_count = in.ConsumeIntegralInRange<std::size_t>(0, 16);
  for (std::size_t r = 0; r < row_count; ++r) {
    std::vector<value>& row = written.emplace_back();
    const std::size_t fields = in.ConsumeIntegralInRange<std::size_t>(0, 12);
    for (std::size_t i = 0; i < fields; ++i) {
      if (auto v = write_value(in, rows)) row.push_back(std::move(*v));
    }
    rows.end_row();
    if (in.ConsumeBool()) cut();  // the message ends here: the header and each tuple may go alone
  }
  if (in.ConsumeBool()) cut();  // the trailer alone, as the server sends it
  rows.end_stream();
  messages.push_back(rows.data());

  binary_copy_reader reader;
  std::size_t read = 0;
  for (const std::string& message : messages) {
    reader.read(message, [&](copy_row row) {
      if (read == written.size()) fail("more rows read than written");
      const std::vector<value>& expected = written[read++];
      if (row.size() != expected.size()) fail("a row of another size");
      for (std::size_t i = 0; i < row.size(); ++i) check(expected[i], row[i]);
    });
  }
  if (read != written.size()) fail("fewer rows read than written");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) {
    FuzzedDataProvider in(data + 1, size - 1);
    round_trip(in);
  } else {
    any_messages(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  }
  return 0;
}
