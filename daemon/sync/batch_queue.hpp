#pragma once
// The bounded hand-over from the network (an Asio coroutine) to a database
// writer thread. A full queue makes the producer wait, so a slow database slows
// the sweep instead of growing memory; a closed queue (the writer failed) makes
// the producer's next push throw, which ends the sweep.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connectors/paging/source_stream.hpp"

namespace personsync::sync {

class queue_closed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class batch_queue {
 public:
  // Bounded in records, not pages, so that memory stays flat whatever the page size.
  // A page larger than the capacity still passes, alone.
  // `depth_changed` (optional) hears the records queued after every push and pop.
  batch_queue(boost::asio::any_io_executor io, std::size_t record_capacity,
              std::function<void(std::size_t)> depth_changed = {});

  // On the io thread: waits while full; throws queue_closed once closed.
  boost::asio::awaitable<void> push(paging::page_result batch);
  // On the writer thread: blocks; nullopt once the producer finished and all is taken.
  // Takes every page queued by then as one batch: when the database is the slower
  // side, batches grow (up to the capacity) and commits become fewer.
  std::optional<paging::page_result> pop();

  void finish();  // the producer has no more (normal end)
  void close();   // the writer gives up: pending pushes fail

 private:
  boost::asio::any_io_executor io_;
  const std::size_t capacity_;
  std::function<void(std::size_t)> depth_changed_;
  std::size_t queued_records_ = 0;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<paging::page_result> items_;
  bool finished_ = false;
  bool closed_ = false;
  boost::asio::steady_timer room_;  // the producer waits on it; the writer's pop cancels it
};

}  // namespace personsync::sync
