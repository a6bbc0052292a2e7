#pragma once
// COPY (query) TO STDOUT, row by row to a callback: how identity resolution
// reads a million records without a row per round trip or a result set held
// twice in memory. In PostgreSQL's text format, or in its binary one for the
// large reads, where formatting and parsing numbers, times and uuids as text
// was a third of the server's time.

#include <functional>
#include <string_view>

#include <soci/soci.h>

#include "daemon/store/binary_copy_reader.hpp"  // copy_row, binary_field

namespace personsync::store {

// `query` is a SELECT; its text goes into COPY (…) as is, so it must not take parameters.
void copy_out(soci::session& session, std::string_view query, const std::function<void(copy_row)>& on_row);

// The same in the binary format (read by binary_copy_reader): each field holds the bytes its type
// sends, read with binary_field::…; malformed data throws std::runtime_error.
void copy_out_binary(soci::session& session, std::string_view query, const std::function<void(copy_row)>& on_row);

}  // namespace personsync::store
