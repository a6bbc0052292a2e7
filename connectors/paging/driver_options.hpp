#pragma once
// How the page driver treats one source's requests.

#include <cstddef>
#include <string>

#include "connectors/paging/backoff.hpp"

namespace personsync::paging {

struct driver_options {
  std::string source_name;      // for logs and metrics
  std::size_t concurrency = 4;  // requests in flight for this source
  unsigned max_retries = 8;     // per request, for errors; Retry-After waits do not count
  backoff_policy backoff;
};

}  // namespace personsync::paging
