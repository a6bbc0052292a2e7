#include "daemon/store/copy_out.hpp"

#include <memory>
#include <vector>

#include <libpq-fe.h>

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

void copy_out_binary(soci::session& session, std::string_view query, const std::function<void(copy_row)>& on_row) {
  binary_copy_reader reader;
  each_copy_message(session, query, binary_format::copy_option,
                    [&](std::string_view message) { reader.read(message, on_row); });
}

}  // namespace personsync::store
