#pragma once
// UUIDs: their canonical text and their 16 bytes, and name-based ones (RFC 4122
// version 5, SHA-1), as PostHog derives the ids of split-off persons and as
// personsync derives ids that a rebuild reproduces.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace personsync {

using uuid_bytes = std::array<std::uint8_t, 16>;

// The bytes of canonical text ("932979b4-65c3-4424-8467-0b66ec27bc22", either case);
// throws std::invalid_argument on any other shape.
uuid_bytes parse_uuid(std::string_view canonical);

// Canonical lowercase text, as PostgreSQL prints a uuid.
std::string uuid_text(const uuid_bytes& bytes);

// `namespace_uuid` must be canonical text (checked by the caller's tests).
std::string uuid5(std::string_view namespace_uuid, std::string_view name);

}  // namespace personsync
