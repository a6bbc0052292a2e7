#include "daemon/sync/batch_queue.hpp"

#include <iterator>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace personsync::sync {

batch_queue::batch_queue(boost::asio::any_io_executor io, std::size_t capacity,
                         std::function<void(std::size_t)> depth_changed)
    : io_(io),
      capacity_(capacity),
      depth_changed_(std::move(depth_changed)),
      room_(io, boost::asio::steady_timer::time_point::max()) {}

boost::asio::awaitable<void> batch_queue::push(paging::page_result batch) {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) throw queue_closed("the database writer stopped");
      if (items_.empty() || queued_records_ + batch.records.size() <= capacity_) {
        queued_records_ += batch.records.size();
        if (depth_changed_) depth_changed_(queued_records_);  // under the lock: reports arrive in order
        items_.push_back(std::move(batch));
        ready_.notify_one();
        co_return;
      }
    }
    // Full. The writer posts a cancel to this thread after each pop, so the
    // wait below cannot miss it: nothing runs here between the check and the wait.
    co_await room_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

std::optional<paging::page_result> batch_queue::pop() {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return !items_.empty() || finished_ || closed_; });
  if (items_.empty()) return std::nullopt;
  paging::page_result batch = std::move(items_.front());
  items_.pop_front();
  for (; !items_.empty(); items_.pop_front()) {
    paging::page_result& next = items_.front();
    std::move(next.records.begin(), next.records.end(), std::back_inserter(batch.records));
    std::move(next.rejected.begin(), next.rejected.end(), std::back_inserter(batch.rejected));
    batch.replaced_characters += next.replaced_characters;
  }
  queued_records_ = 0;
  if (depth_changed_) depth_changed_(queued_records_);
  lock.unlock();
  boost::asio::post(io_, [this] { room_.cancel(); });
  return batch;
}

void batch_queue::finish() {
  std::lock_guard lock(mutex_);
  finished_ = true;
  ready_.notify_all();
}

void batch_queue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }
  boost::asio::post(io_, [this] { room_.cancel(); });
}

}  // namespace personsync::sync
