#pragma once
// Name-based UUIDs (RFC 4122 version 5, SHA-1), as PostHog derives the ids of
// split-off persons and as personsync derives ids that a rebuild reproduces.

#include <string>
#include <string_view>

namespace personsync {

// Canonical lowercase text, e.g. "932979b4-65c3-4424-8467-0b66ec27bc22"; nullopt-free:
// `namespace_uuid` must be canonical text (checked by the caller's tests).
std::string uuid5(std::string_view namespace_uuid, std::string_view name);

}  // namespace personsync
