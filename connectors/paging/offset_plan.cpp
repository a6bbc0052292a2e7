#include "connectors/paging/offset_plan.hpp"

#include <algorithm>

namespace personsync::paging {

std::vector<std::int64_t> offset_plan::answered(std::int64_t offset, bool more_follow) {
  next_ = std::max(next_, offset + page_size_);
  if (!more_follow) end_ = end_ < 0 ? offset : std::min(end_, offset);
  std::vector<std::int64_t> out;
  if (!more_follow) return out;
  std::int64_t until = offset + ahead_ * page_size_;
  if (expected_end_ >= 0 && offset < expected_end_) {
    // The first offset at or past the total: the page that should come back empty.
    const std::int64_t last = (expected_end_ + page_size_ - 1) / page_size_ * page_size_;
    until = std::min(until, std::max(last, offset + page_size_));
  }
  for (; next_ <= until && (end_ < 0 || next_ <= end_); next_ += page_size_) out.push_back(next_);
  return out;
}

}  // namespace personsync::paging
