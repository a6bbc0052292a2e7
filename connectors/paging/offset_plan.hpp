#pragma once
// Which offsets an offset-paginated sweep asks for next. Pages are planned a
// few ahead of the ones answered, never all at once from an announced total:
// a total can be wrong (too small, negative, 10^12), and planning from it
// either stops early or sizes memory by it. The sweep ends where the server
// says nothing follows (a short page for Whop, `next` null for PostHog).

#include <cstdint>
#include <vector>

namespace personsync::paging {

class offset_plan {
 public:
  // Up to `ahead` pages are planned beyond the last one answered.
  offset_plan(std::int64_t page_size, std::int64_t ahead) : page_size_(page_size), ahead_(ahead < 1 ? 1 : ahead) {}

  // The page at `offset` was answered; `more_follow` is whether the server says
  // more pages follow it. Returns the offsets to request now (each once).
  std::vector<std::int64_t> answered(std::int64_t offset, bool more_follow);

  // A usable total the provider announced: pages before it are planned no further than the
  // page that starts at it (which proves the end); a full page there or beyond plans on as usual.
  void expect_total(std::int64_t total) noexcept { expected_end_ = total; }

 private:
  std::int64_t page_size_;
  std::int64_t ahead_;
  std::int64_t next_ = 0;  // the first offset not yet planned (the first page is the caller's)
  std::int64_t end_ = -1;  // the first page known to be the last: nothing is planned beyond it
  std::int64_t expected_end_ = -1;  // the announced total, if usable
};

}  // namespace personsync::paging
