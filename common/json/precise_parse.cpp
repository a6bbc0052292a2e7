#include "common/json/precise_parse.hpp"

#include <charconv>
#include <string>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

namespace personsync::json {
namespace {

using boost::system::error_code;
using std::string_view;

// Builds the DOM as boost::json::parser does, except that a double is read
// from its own text with std::from_chars, which rounds correctly.
struct precise_handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  boost::json::value_stack stack;
  std::string number;  // a number's text, when it arrives in parts

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t n, error_code&) { stack.push_object(n); return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) { stack.push_array(n); return true; }
  bool on_key_part(string_view s, std::size_t, error_code&) { stack.push_chars(s); return true; }
  bool on_key(string_view s, std::size_t, error_code&) { stack.push_key(s); return true; }
  bool on_string_part(string_view s, std::size_t, error_code&) { stack.push_chars(s); return true; }
  bool on_string(string_view s, std::size_t, error_code&) { stack.push_string(s); return true; }
  bool on_number_part(string_view s, error_code&) { number.append(s); return true; }
  bool on_int64(std::int64_t i, string_view, error_code&) { number.clear(); stack.push_int64(i); return true; }
  bool on_uint64(std::uint64_t u, string_view, error_code&) { number.clear(); stack.push_uint64(u); return true; }
  bool on_double(double d, string_view s, error_code&) {
    number.append(s);
    double exact = d;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), exact);
    // Out of range keeps the parser's own value (an infinity for huge exponents).
    stack.push_double(ec == std::errc{} ? exact : d);
    number.clear();
    return true;
  }
  bool on_bool(bool b, error_code&) { stack.push_bool(b); return true; }
  bool on_null(error_code&) { stack.push_null(); return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace

boost::json::value parse_precise(std::string_view text, error_code& ec, boost::json::storage_ptr storage) {
  boost::json::parse_options options;
  options.max_depth = 512;  // person properties nest deeper than Boost.JSON's default of 32
  boost::json::basic_parser<precise_handler> parser(options);
  parser.handler().stack.reset(std::move(storage));
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = boost::json::error::extra_data;
  if (ec) return nullptr;
  return parser.handler().stack.release();
}

}  // namespace personsync::json
