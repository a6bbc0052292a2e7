// Precise JSON parsing and make_storable (what lands in a jsonb column): any
// text parses or fails with an error code; JSON text that parsed comes out of
// make_storable as text PostgreSQL takes (valid UTF-8, no NUL and no \u0000
// escape left) that still parses. make_storable's input is JSON text: it
// repairs strings only.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <boost/json.hpp>

#include "common/json/precise_parse.hpp"
#include "common/json/storable_text.hpp"

namespace {

bool valid_utf8_without_nul(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
  }
  return true;
}

// A NUL in any string or key: PostgreSQL's jsonb refuses \u0000.
bool holds_nul(const boost::json::value& v) {
  if (v.is_string()) return v.get_string().find('\0') != boost::json::string::npos;
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (holds_nul(e)) return true;
    }
  }
  if (v.is_object()) {
    for (const auto& [k, e] : v.get_object()) {
      if (k.find('\0') != boost::json::string_view::npos || holds_nul(e)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  const boost::json::value parsed = personsync::json::parse_precise(text, ec);
  std::string storable = text;
  personsync::json::make_storable(storable);  // whatever the text: no crash, no undefined behaviour
  if (ec) return 0;
  if (!valid_utf8_without_nul(storable)) std::abort();
  boost::system::error_code again;
  const boost::json::value stored = personsync::json::parse_precise(storable, again);
  if (again || holds_nul(stored)) std::abort();  // valid JSON stays valid JSON, and no string holds NUL
  return 0;
}
