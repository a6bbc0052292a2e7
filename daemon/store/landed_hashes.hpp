#pragma once
// What a full sweep compares its records against: the key and content hash of
// every live record of a scope, read in one sequential pass when the run
// begins, instead of a round of index probes (and random heap reads) for each
// batch. Compact — a 64-bit hash of the key and the first 64 bits of the
// content hash, 16 bytes a record — so that half a million records cost 8 MiB.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <soci/soci.h>

namespace personsync::store {

class landed_hashes {
 public:
  static landed_hashes read(soci::session& session, const std::string& source, const std::string& scope);

  // Whether `key` is landed, live, with this content (`sha256_hex`, as content_hash() gives it).
  // "Changed" is always safe: the upsert then compares full hashes. A wrong "unchanged" would
  // need the first 64 bits of two SHA-256 digests of one key to agree.
  [[nodiscard]] bool unchanged(std::string_view key, std::string_view sha256_hex) const;
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  std::vector<std::pair<std::uint64_t, std::uint64_t>> entries_;  // {key hash, content prefix}, sorted
};

}  // namespace personsync::store
