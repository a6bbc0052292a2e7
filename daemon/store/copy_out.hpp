#pragma once
// COPY (query) TO STDOUT, row by row to a callback: how identity resolution
// reads a million records without a row per round trip or a result set held
// twice in memory. In PostgreSQL's text format, or in its binary one for the
// large reads, where formatting and parsing numbers, times and uuids as text
// was a third of the server's time.

#include <cstdint>
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

// The same in the binary format: each field holds the bytes its type sends, read with binary_field::….
void copy_out_binary(soci::session& session, std::string_view query, const std::function<void(copy_row)>& on_row);

// A binary field as the type its column has; a field of the wrong size throws.
namespace binary_field {
std::int64_t int8(std::string_view field);
double float8(std::string_view field);
bool boolean(std::string_view field);
std::int64_t timestamptz_unix_micros(std::string_view field);
std::string uuid_text(std::string_view field);         // as PostgreSQL prints it
std::string_view jsonb_text(std::string_view field);  // the text after jsonb's version byte
}  // namespace binary_field

}  // namespace personsync::store
