#pragma once
// COPY's binary format read from the bytes the server sends, with no connection:
// copy_out_binary hands each CopyData message to a binary_copy_reader, which
// splits it into rows of fields; binary_field reads a field as its column's
// type. Malformed data (a cut tuple, a field longer than its tuple, a field of
// the wrong size for its type) throws std::runtime_error.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace personsync::store {

// A row's fields, unescaped; nullopt for NULL. Valid only during the callback.
using copy_row = std::span<const std::optional<std::string_view>>;

// The messages of one COPY … TO STDOUT (FORMAT binary), in order: the server sends
// each tuple as one message, the header before the first one and the trailer alone.
class binary_copy_reader {
 public:
  // Hands each tuple of `message` to on_row as views into `message` (the header
  // skipped in the first one) and stops at the trailer; a byte after the trailer, or
  // header flags that change the format, throw std::runtime_error.
  void read(std::string_view message, const std::function<void(copy_row)>& on_row);

 private:
  std::vector<std::optional<std::string_view>> fields_;
  bool header_read_ = false;
  bool ended_ = false;  // the trailer was read
};

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
