#pragma once
// COPY (query) TO STDOUT in PostgreSQL's text format, row by row to a callback:
// how identity resolution reads a million records without a row per round trip
// or a result set held twice in memory.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <soci/soci.h>

namespace personsync::store {

// A row's fields, unescaped; nullopt for NULL. Valid only during the callback.
using copy_row = std::span<const std::optional<std::string_view>>;

// `query` is a SELECT; its text goes into COPY (…) as is, so it must not take parameters.
void copy_out(soci::session& session, std::string_view query, const std::function<void(copy_row)>& on_row);

}  // namespace personsync::store
