#pragma once
// Phone numbers as identifiers, in E.164 ("+14155550123"). libphonenumber cannot
// be installed beside Boost 1.81 on Debian (docs/design.md, "Dependencies"), so this is the
// project's own, for the numbering plans it claims:
//
//   region  code  national significant number (NSN)       trunk prefix
//   US, CA   +1   10 digits, area and exchange start 2-9   1
//   GB      +44   9 or 10 digits                           0
//   DE      +49   6 to 13 digits                           0
//   FR      +33   9 digits                                 0
//   IN      +91   10 digits                                0
//   BR      +55   10 or 11 digits (2-digit area code)      0, or 0 + 2-digit carrier
//
// Accepted writing: any spaces, dots, dashes, slashes and parentheses; "+CC",
// "00CC" and, from NANP regions, "011CC" international forms; an optional "(0)"
// after the country code; national forms with or without the trunk prefix,
// read in the configured default region; an extension ("ext", "x", "#") is
// dropped. Numbers of other countries are accepted in international form when
// 8 to 15 digits long (E.164's bounds), without per-country checks. Anything
// else — letters, wrong length, a national form in an unknown region — is
// not a phone number and links nothing.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace personsync::identity {

std::optional<std::string> normalize_phone(std::string_view raw, std::string_view default_region);

// The regions whose national forms are understood (valid `phone_default_region`s).
std::span<const std::string_view> phone_regions();

}  // namespace personsync::identity
