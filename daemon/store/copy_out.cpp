#include "daemon/store/copy_out.hpp"

#include <vector>

#include <libpq-fe.h>

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

}  // namespace

void copy_out(soci::session& session, std::string_view query, const std::function<void(copy_row)>& on_row) {
  PGconn* conn = native_handle(session);
  const std::string statement = "COPY (" + std::string(query) + ") TO STDOUT";
  PGresult* started = PQexec(conn, statement.c_str());
  const bool ok = PQresultStatus(started) == PGRES_COPY_OUT;
  PQclear(started);
  if (!ok) throw_server_error(conn, "COPY TO STDOUT failed");

  std::string line;
  std::vector<std::optional<std::string_view>> fields;
  for (;;) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(conn, &buffer, 0);
    if (n == -1) break;
    if (n == -2) throw_server_error(conn, "COPY TO STDOUT failed");
    line.assign(buffer, static_cast<std::size_t>(n));
    PQfreemem(buffer);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    split_line(line, fields);
    on_row(fields);
  }
  PGresult* finished = PQgetResult(conn);
  const bool done = PQresultStatus(finished) == PGRES_COMMAND_OK;
  PQclear(finished);
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  if (!done) throw_server_error(conn, "COPY TO STDOUT failed");
}

}  // namespace personsync::store
