#pragma once
// ASCII case folding for the simulators' text matching (provider lookups fold ASCII only).

#include <algorithm>
#include <cctype>
#include <string>

namespace personsync::fakes {

inline std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace personsync::fakes
