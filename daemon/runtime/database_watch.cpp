#include "daemon/runtime/database_watch.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "daemon/store/database.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/source_lock.hpp"

namespace personsync::runtime {
namespace {

// A replica that stops looking (frozen, paused, its loop wedged) while its connection stays up
// would keep its leases for ever: the server ends the session after this much silence, six
// looks' worth at the longest period, and the leases go with it.
constexpr auto lease_silence_limit = std::chrono::seconds(30);

}  // namespace

database_watch::database_watch(store::database_config cfg, std::string replica, std::vector<std::string> sources,
                               std::chrono::milliseconds look_every)
    : cfg_(std::move(cfg)),
      replica_(std::move(replica)),
      look_every_(look_every),
      sources_(std::move(sources)),
      thread_([this] { loop(); }) {}

database_watch::~database_watch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void database_watch::set_sources(std::vector<std::string> sources) {
  {
    std::lock_guard lock(mutex_);
    sources_ = std::move(sources);
    sources_changed_ = true;
  }
  wake_.notify_all();
}

bool database_watch::ready() const {
  std::lock_guard lock(mutex_);
  return ready_;
}

std::string database_watch::problem() const {
  std::lock_guard lock(mutex_);
  return problem_;
}

std::set<std::string> database_watch::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

std::map<std::string, std::string> database_watch::holders() const {
  std::lock_guard lock(mutex_);
  return holders_;
}

std::string database_watch::look(soci::session& session, std::set<std::string>& held,
                                 std::map<std::string, std::string>& holders) {
  const store::schema_state schema = store::inspect_schema(session, cfg_.schema);
  if (!schema.pending.empty()) {
    // An older schema than this binary's: it must not run anything, so it holds nothing.
    for (const std::string& source : held) store::release_lease(session, cfg_.schema, source);
    held.clear();
    return fmt::format("schema {} is at version {}, this personsync needs {}: run `personsync migrate`", cfg_.schema,
                       schema.current_version, schema.latest_version);
  }
  std::vector<std::string> sources;
  {
    std::lock_guard lock(mutex_);
    sources = sources_;
  }
  for (auto it = held.begin(); it != held.end();) {
    if (std::find(sources.begin(), sources.end(), *it) != sources.end()) {
      ++it;
      continue;
    }
    store::release_lease(session, cfg_.schema, *it);
    spdlog::info("{}: no longer configured; its lease is released", *it);
    it = held.erase(it);
  }
  for (const std::string& source : sources) {
    if (held.contains(source) || !store::try_lease_source(session, cfg_.schema, source)) continue;
    held.insert(source);
    spdlog::info("{}: this replica ({}) holds its lease and schedules it", source, replica_);
  }
  const std::vector<std::string> held_sources(held.begin(), held.end());
  for (const store::stale_run& run : store::end_runs_of_other_replicas(session, cfg_.schema, held_sources, replica_)) {
    if (run.ended) {
      spdlog::warn("{}: replica {} still ran it without its lease (frozen, or cut from the database): its session "
                   "(pid {}) is ended so that this replica takes the source over from the last checkpoint",
                   run.source, run.replica, run.pid);
    } else {
      spdlog::warn("{}: replica {} still runs it without its lease, and PostgreSQL refused to end its session (pid "
                   "{}): this replica waits until that run ends",
                   run.source, run.replica, run.pid);
    }
  }
  holders = store::lease_holders(session, cfg_.schema, sources);
  return {};
}

void database_watch::loop() {
  store::session_handle session;
  std::set<std::string> held;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    std::string problem;
    std::map<std::string, std::string> holders;
    // A session that broke since the last look is dropped and one fresh connection tried at
    // once, so that a database restart costs the replica one look, not a look period.
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool fresh = !session;
      try {
        if (!session) session = store::connect_lease_session(cfg_, lease_silence_limit);
        problem = look(*session, held, holders);
        break;
      } catch (const std::exception& e) {
        problem = store::describe(e);
        session.reset();
        if (!held.empty()) {
          spdlog::warn("lost the database session holding the leases of {}: {}; other replicas may take them",
                       fmt::join(held, ", "), problem);
        }
        held.clear();
        if (fresh) break;
      }
    }
    lock.lock();
    if (problem != problem_ && !problem.empty()) spdlog::error("not ready: {}", problem);
    problem_ = problem;
    ready_ = problem.empty();
    held_ = held;
    holders_ = std::move(holders);
    wake_.wait_for(lock, look_every_, [this] { return stopping_ || sources_changed_; });
    sources_changed_ = false;
  }
}

}  // namespace personsync::runtime
