#pragma once
// What the page driver reports while a sweep goes on, for whoever watches it
// live (the daemon's metrics); per-run totals stay in sweep_counts. Called on
// the sweeping source's event loop, so an observer shared by several sources
// must be thread-safe. Labels are the source and a fixed endpoint name, never
// a URL: a URL may carry an id.

#include <chrono>
#include <string_view>

namespace personsync::paging {

class request_observer {
 public:
  virtual ~request_observer() = default;

  // One try of a request ended: `status` is the HTTP status, 0 when no answer came
  // (timeout, refused or broken connection).
  virtual void request_ended(std::string_view source, std::string_view endpoint, int status,
                             std::chrono::duration<double> elapsed) = 0;
  // A try failed and the request goes again after a backoff.
  virtual void retried(std::string_view source) = 0;
  // A 429 paused the credential for `pause` as its Retry-After asked.
  virtual void paused_by_retry_after(std::string_view source, std::chrono::milliseconds pause) = 0;
};

}  // namespace personsync::paging
