#pragma once
// Email addresses as identifiers. `normalize_email` is what links: trimmed and
// lowercased, and only something shaped like an address (one '@', text on both
// sides, a dot in the domain). `loosen_email` is the optional looser form: a
// `+tag` dropped from the local part (most providers deliver plus-addressed
// mail to the same box), and for Gmail the dots too, googlemail.com → gmail.com.

#include <optional>
#include <string>
#include <string_view>

namespace personsync::identity {

std::optional<std::string> normalize_email(std::string_view raw);

// Takes a normalized address.
std::string loosen_email(std::string_view normalized);

}  // namespace personsync::identity
