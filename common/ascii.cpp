#include "common/ascii.hpp"

#include <algorithm>

namespace personsync {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

std::string_view trim_ascii(std::string_view s) {
  constexpr std::string_view space = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::size_t ifind_ascii(std::string_view haystack, std::string_view needle, std::size_t from) {
  if (needle.size() > haystack.size()) return std::string_view::npos;
  for (std::size_t at = from; at + needle.size() <= haystack.size(); ++at) {
    if (iequals_ascii(haystack.substr(at, needle.size()), needle)) return at;
  }
  return std::string_view::npos;
}

bool all_ascii_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), digit); }

bool all_ascii_alnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return digit(c) || alpha(c); });
}

}  // namespace personsync
