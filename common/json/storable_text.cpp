#include "common/json/storable_text.hpp"

#include <cstdint>
#include <optional>

namespace personsync::json {
namespace {

constexpr std::string_view replacement_escape = "\\ufffd";
constexpr std::string_view replacement_utf8 = "\xEF\xBF\xBD";

std::optional<unsigned> hex4(const std::string& s, std::size_t at) {
  if (at + 4 > s.size()) return std::nullopt;
  unsigned v = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
  }
  return v;
}

// Length of a valid UTF-8 sequence starting at `at`, or 0.
std::size_t utf8_length(const std::string& s, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(at);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xE0) == 0xC0) { n = 2; cp = b0 & 0x1F; }
  else if ((b0 & 0xF0) == 0xE0) { n = 3; cp = b0 & 0x0F; }
  else if ((b0 & 0xF8) == 0xF0) { n = 4; cp = b0 & 0x07; }
  else return 0;
  if (at + n > s.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (byte(at + i) & 0x3F);
  }
  const bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::size_t make_storable(std::string& text) {
  std::size_t replaced = 0;
  std::string out;
  bool changed = false;
  const auto ensure_copy = [&](std::size_t upto) {
    if (!changed) {
      out.assign(text, 0, upto);
      changed = true;
    }
  };

  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      if (changed) out.push_back(c);
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = false;
      if (changed) out.push_back(c);
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == 'u') {
      const auto code = hex4(text, i + 2);
      if (code) {
        const bool high = *code >= 0xD800 && *code <= 0xDBFF;
        const bool low = *code >= 0xDC00 && *code <= 0xDFFF;
        if (high && i + 12 <= text.size() && text.compare(i + 6, 2, "\\u") == 0) {
          const auto next = hex4(text, i + 8);
          if (next && *next >= 0xDC00 && *next <= 0xDFFF) {  // a proper pair: keep both
            if (changed) out.append(text, i, 12);
            i += 12;
            continue;
          }
        }
        if (*code == 0 || high || low) {
          ensure_copy(i);
          out += replacement_escape;
          ++replaced;
          i += 6;
          continue;
        }
      }
      if (changed) out.append(text, i, 2);
      i += 2;
      continue;
    }
    if (c == '\\' && i + 1 < text.size()) {
      if (changed) out.append(text, i, 2);
      i += 2;
      continue;
    }
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      ensure_copy(i);
      out += replacement_utf8;
      ++replaced;
      ++i;
      continue;
    }
    if (changed) out.append(text, i, n);
    i += n;
  }
  if (changed) text = std::move(out);
  return replaced;
}

}  // namespace personsync::json
