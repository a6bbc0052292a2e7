#pragma once
// PostgreSQL stores neither NUL characters nor invalid Unicode in text or
// jsonb. Providers send both (`\u0000`, lone surrogate escapes, stray bytes).
// This rewrites such values in a JSON document's text to U+FFFD before it is
// parsed, so that the record lands — changed in that one character, counted —
// instead of being dropped.

#include <cstddef>
#include <string>

namespace personsync::json {

// Returns how many characters were replaced.
std::size_t make_storable(std::string& json_text);

}  // namespace personsync::json
