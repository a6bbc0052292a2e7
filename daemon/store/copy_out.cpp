#include "daemon/store/copy_out.hpp"

#include <bit>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include <libpq-fe.h>

#include "common/uuid.hpp"
#include "daemon/store/binary_format.hpp"
#include "daemon/store/database.hpp"

namespace personsync::store {
namespace {

// Splits one line of the text format into fields, undoing its backslash escapes in place.
void split_line(std::string& line, std::vector<std::optional<std::string_view>>& fields) {
  fields.clear();
  std::size_t out = 0, field_start = 0;
  bool null_field = false;
  auto finish = [&] {
    if (null_field) {
      fields.emplace_back(std::nullopt);
    } else {
      fields.emplace_back(std::string_view(line.data() + field_start, out - field_start));
    }
    null_field = false;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      finish();
      field_start = out;
      continue;
    }
    if (c == '\\' && i + 1 < line.size()) {
      const char e = line[++i];
      switch (e) {
        case 'N': null_field = true; break;
        case 't': line[out++] = '\t'; break;
        case 'n': line[out++] = '\n'; break;
        case 'r': line[out++] = '\r'; break;
        case 'b': line[out++] = '\b'; break;
        case 'f': line[out++] = '\f'; break;
        case 'v': line[out++] = '\v'; break;
        default: line[out++] = e; break;  // \\ and any other escaped character stand for themselves
      }
      continue;
    }
    line[out++] = c;
  }
  finish();
}

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

// The file header: signature, flags, and the length of an extension to skip.
void skip_header(std::string_view& data) {
  using binary_format::header_size;
  if (!data.starts_with(binary_format::signature) || data.size() < header_size) throw malformed("no header");
  const std::uint32_t extension = read_big_endian<std::uint32_t>(data.data() + header_size - 4);
  if (data.size() < header_size + static_cast<std::size_t>(extension)) throw malformed("a cut header");
  data.remove_prefix(header_size + extension);
}

// Runs COPY (query) TO STDOUT with `options` and hands each CopyData message to `on_message`.
void each_copy_message(soci::session& session, std::string_view query, std::string_view options,
                       const std::function<void(std::string_view)>& on_message) {
  PGconn* conn = native_handle(session);
  const std::string statement = "COPY (" + std::string(query) + ") TO STDOUT" + std::string(options);
  std::unique_ptr<PGresult, decltype(&PQclear)> started(PQexec(conn, statement.c_str()), &PQclear);
  if (PQresultStatus(started.get()) != PGRES_COPY_OUT) throw_result_error(conn, started.get(), "COPY TO STDOUT failed");
  started.reset();

  // Read to the end even when a message is refused, so that the session is usable afterwards.
  std::exception_ptr refused;
  for (;;) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(conn, &buffer, 0);
    if (n == -1) break;
    if (n == -2) throw_server_error(conn, "COPY TO STDOUT failed");
    if (!refused) {
      try {
        on_message(std::string_view(buffer, static_cast<std::size_t>(n)));
      } catch (...) {
        refused = std::current_exception();
      }
    }
    PQfreemem(buffer);
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> finished(PQgetResult(conn), &PQclear);
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  if (PQresultStatus(finished.get()) != PGRES_COMMAND_OK) throw_result_error(conn, finished.get(), "COPY TO STDOUT failed");
  if (refused) std::rethrow_exception(refused);
}

}  // namespace

void copy_out(soci::session& session, std::string_view query, const std::function<void(copy_row)>& on_row) {
  std::string line;
  std::vector<std::optional<std::string_view>> fields;
  each_copy_message(session, query, "", [&](std::string_view message) {
    line.assign(message);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    split_line(line, fields);
    on_row(fields);
  });
}

// The server sends each tuple as one message, the header before the first one and the trailer alone.
void copy_out_binary(soci::session& session, std::string_view query, const std::function<void(copy_row)>& on_row) {
  std::vector<std::optional<std::string_view>> fields;
  bool header_read = false;
  each_copy_message(session, query, binary_format::copy_option, [&](std::string_view data) {
    if (!header_read) {
      skip_header(data);
      header_read = true;
    }
    while (!data.empty() && split_tuple(data, fields)) on_row(fields);
  });
}

namespace binary_field {

std::int64_t int8(std::string_view field) {
  return static_cast<std::int64_t>(fixed_size<std::uint64_t>(field, "bigint"));
}

double float8(std::string_view field) { return std::bit_cast<double>(fixed_size<std::uint64_t>(field, "double")); }

bool boolean(std::string_view field) { return fixed_size<std::uint8_t>(field, "boolean") != 0; }

std::int64_t timestamptz_unix_micros(std::string_view field) {
  const auto micros = static_cast<std::int64_t>(fixed_size<std::uint64_t>(field, "timestamp"));
  if (micros == std::numeric_limits<std::int64_t>::max() || micros == std::numeric_limits<std::int64_t>::min()) {
    throw malformed("a timestamp at infinity");
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
