#pragma once
// The identity_dirty queue between landing and resolution. Landing queues each
// record it upserts; a batch COPY'd into an empty scope queues this marker
// instead, once per batch, and the next resolution is a full one.

#include <cstdint>

namespace personsync::store {

// record_id is a bigserial from 1: 0 is never a record.
inline constexpr std::int64_t queue_marker_everything = 0;

}  // namespace personsync::store
