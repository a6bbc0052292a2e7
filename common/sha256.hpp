#pragma once
// SHA-256 as lowercase hex: migration checksums, record content hashes,
// credential ids (a name for a key that is not the key).

#include <string>
#include <string_view>

namespace personsync {

std::string sha256_hex(std::string_view data);

}  // namespace personsync
