#include "daemon/sync/landing_writer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon/store/database.hpp"

namespace personsync::sync {

landing_writer::landing_writer(store::landing_store& store, store::run_identity run, std::int64_t run_id,
                               batch_queue& queue, std::string checkpoint)
    : store_(store), run_(std::move(run)), run_id_(run_id), queue_(queue), checkpoint_(std::move(checkpoint)) {}

landing_writer::~landing_writer() {
  if (thread_.joinable()) {
    queue_.close();
    thread_.join();
  }
}

void landing_writer::start() { thread_ = std::thread([this] { run(); }); }

void landing_writer::join() {
  if (thread_.joinable()) thread_.join();
}

void landing_writer::run() {
  // A deadlock, a serialization failure or a lock wait past lock_timeout rolls back whole: try the batch again.
  constexpr int attempts = 3;
  constexpr std::size_t reasons_kept = 3;
  while (std::optional<paging::page_result> batch = queue_.pop()) {
    for (const auto& r : batch->rejected) {
      if (first_rejections_.size() >= reasons_kept) break;
      first_rejections_.push_back(r.reason);
    }
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      try {
        const store::batch_counts c = store_.land(run_id_, run_, batch->records, batch->rejected, checkpoint_);
        totals_.fetched += c.fetched;
        totals_.inserted += c.inserted;
        totals_.updated += c.updated;
        totals_.unchanged += c.unchanged;
        totals_.rejected += c.rejected;
        break;
      } catch (const store::database_unavailable& e) {
        error_ = e.what();
      } catch (const std::exception& e) {
        if (store::is_transient(e) && attempt < attempts) {
          spdlog::warn("{}: landing a batch hit '{}'; trying it again", run_.source_name, store::describe(e));
          continue;
        }
        error_ = "landing a batch failed: " + store::describe(e);
        if (store::sqlstate_of(e) == "55P03") {
          *error_ += fmt::format(" (tried {} times; locks on personsync's tables are held by: {})", attempt,
                                 store_.lock_holders());
        }
      }
      break;
    }
    if (error_) {
      spdlog::error("{}: {}", run_.source_name, *error_);
      queue_.close();
      return;
    }
  }
}

}  // namespace personsync::sync
