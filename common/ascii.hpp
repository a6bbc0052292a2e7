#pragma once
// ASCII text checks for config values and identifiers, in one pass and without recursion: std::regex
// recurses once per character under `+` and `*`, so a value of a few hundred thousand characters (a
// hostile or mistaken config line, a provider's value) overflowed the stack where these simply answer.

#include <string_view>

namespace personsync {

// ASCII whitespace (space, tab, CR, LF, FF, VT) off both ends.
std::string_view trim_ascii(std::string_view s);

// Equal ignoring ASCII case.
bool iequals_ascii(std::string_view a, std::string_view b);

// Where `needle` first occurs in `haystack` from `from` on, ignoring ASCII case; npos if nowhere.
std::size_t ifind_ascii(std::string_view haystack, std::string_view needle, std::size_t from = 0);

// Non-empty and only 0-9 / only A-Z, a-z, 0-9.
bool all_ascii_digits(std::string_view s);
bool all_ascii_alnum(std::string_view s);

}  // namespace personsync
