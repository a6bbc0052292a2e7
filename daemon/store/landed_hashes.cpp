#include "daemon/store/landed_hashes.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

#include <fmt/format.h>

#include "daemon/store/copy_out.hpp"
#include "daemon/store/database.hpp"

namespace personsync::store {
namespace {

std::uint64_t key_hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

// The first 16 hex digits of a digest as a number; 0 for anything shorter.
std::uint64_t content_prefix(std::string_view hex) {
  std::uint64_t value = 0;
  if (hex.size() < 16) return 0;
  std::from_chars(hex.data(), hex.data() + 16, value, 16);
  return value;
}

}  // namespace

landed_hashes landed_hashes::read(soci::session& session, const std::string& source, const std::string& scope) {
  landed_hashes out;
  copy_out(session,
           fmt::format("SELECT source_key, encode(substr(content_hash, 1, 8), 'hex') FROM source_records "
                       "WHERE source = {} AND scope = {} AND deleted_at IS NULL",
                       quote_literal(session, source), quote_literal(session, scope)),
           [&](copy_row f) { out.entries_.emplace_back(key_hash(*f[0]), f[1] ? content_prefix(*f[1]) : 0); });
  std::sort(out.entries_.begin(), out.entries_.end());
  return out;
}

bool landed_hashes::unchanged(std::string_view key, std::string_view sha256_hex) const {
  const std::uint64_t k = key_hash(key), c = content_prefix(sha256_hex);
  return std::binary_search(entries_.begin(), entries_.end(), std::pair{k, c});
}

}  // namespace personsync::store
