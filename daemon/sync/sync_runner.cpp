#include "daemon/sync/sync_runner.hpp"

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "connectors/paging/sweep_anomalies.hpp"
#include "connectors/source_client.hpp"
#include "daemon/store/database.hpp"
#include "daemon/sync/batch_queue.hpp"
#include "daemon/sync/landing_writer.hpp"
#include "daemon/sync/posthog_sync.hpp"
#include "daemon/store/source_lock.hpp"
#include "daemon/sync/whop_sync.hpp"

namespace personsync::sync {
namespace {

// Records waiting between network and database, per source: a few thousand keep
// PostgreSQL busy while memory stays flat.
constexpr std::size_t queue_capacity = 2000;

struct job {
  // First, so that it is destroyed last: the job's sockets, timers and queue belong to it.
  // A loop per source: two sources parse their pages on two cores.
  boost::asio::io_context io;
  std::unique_ptr<source_sync> provider;
  store::session_handle session;
  std::unique_ptr<store::landing_store> store;
  planned_sweep sweep;
  std::int64_t run_id = 0;
  std::unique_ptr<connectors::source_client> client;
  std::unique_ptr<batch_queue> queue;
  std::unique_ptr<landing_writer> writer;
  std::exception_ptr sweep_error;
  source_summary summary;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

std::string message_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return store::describe(x);
  } catch (...) {
    return "unknown error";
  }
}

bool selected(const std::string& name, const sync_options& options) {
  return options.only_sources.empty() ||
         std::find(options.only_sources.begin(), options.only_sources.end(), name) != options.only_sources.end();
}

// Absences after a complete sweep: judged (a lookup where the provider has one), then applied.
void apply_absences(job& j) {
  boost::asio::io_context& io = j.io;
  std::vector<store::unseen_record> unseen =
      j.store->unseen(j.provider->provider(), j.provider->scope(), j.client->driver().seen_keys());
  if (unseen.empty()) return;
  spdlog::info("{}: {} landed records were not in the sweep; judging them", j.summary.name, unseen.size());
  absence_report report;
  std::exception_ptr error;
  io.restart();
  boost::asio::co_spawn(io, j.provider->judge_unseen(j.sweep, std::move(unseen), j.client->driver()),
                        [&](std::exception_ptr e, absence_report r) {
                          error = e;
                          report = std::move(r);
                        });
  io.run();
  if (error) std::rethrow_exception(error);

  if (!report.still_there.empty()) j.store->land(j.run_id, j.sweep.run, report.still_there, {}, std::nullopt);
  j.store->record_absences(j.run_id, j.provider->provider(), j.provider->scope(), report.absent);
  j.summary.marked_absent = report.absent.size();
  if (!report.absent.empty()) {
    spdlog::info("{}: {} records missed for the first time are kept until a second complete sweep misses them",
                 j.summary.name, report.absent.size());
  }
  std::vector<store::gone_record> gone;
  for (auto& key : report.gone) gone.push_back({std::move(key), std::nullopt});
  for (auto& [key, into] : report.merged) gone.push_back({std::move(key), std::move(into)});
  j.summary.deleted = j.store->mark_gone(j.run_id, j.provider->provider(), j.provider->scope(), gone);
}

// After closing a run failed (a database error mid-close): one more try to close it `failed` with the
// error, so that it is not left `running` while this process lives on (`personsync run`), over a new
// session when the job's own was lost (a stalled path: connecting ends the backend it left). When the
// database is gone too, the next run of the source closes it `interrupted`.
void close_failed_run(job& j, const store::database_config& database, const std::string& error) {
  try {
    if (PQstatus(store::native_handle(*j.session)) != CONNECTION_OK) {
      j.store.reset();
      j.session = store::connect(database);
      j.store = std::make_unique<store::landing_store>(*j.session);
    }
    j.store->finish_run(j.run_id, store::run_outcome{store::run_status::failed, 0, error});
  } catch (const std::exception& e) {
    spdlog::warn("{}: the run stays open until the next one closes it: {}", j.summary.name, store::describe(e));
  }
}

// Records the sweep showed to be stale (PostHog: persons that lost distinct ids to a split), read and landed again.
void reread_stale(job& j) {
  std::vector<std::string> keys = j.provider->stale_keys(*j.store);
  if (keys.empty()) return;
  std::vector<connectors::source_record> records;
  std::exception_ptr error;
  j.io.restart();
  boost::asio::co_spawn(j.io, j.provider->reread(std::move(keys), j.client->driver()),
                        [&](std::exception_ptr e, std::vector<connectors::source_record> r) {
                          error = e;
                          records = std::move(r);
                        });
  j.io.run();
  if (error) std::rethrow_exception(error);
  if (!records.empty()) j.store->land(j.run_id, j.sweep.run, records, {}, std::nullopt);
}

// A sweep that rejected more than the source tolerates did not land the source:
// its run fails, naming the first reasons, rather than succeeding on a fraction.
std::optional<std::string> rejected_beyond_share(const job& j, double max_share) {
  const store::batch_counts& c = j.summary.counts;
  const std::uint64_t met = c.fetched + c.rejected;
  if (met == 0 || static_cast<double>(c.rejected) <= max_share * static_cast<double>(met)) return std::nullopt;
  std::string reasons;
  for (const std::string& r : j.writer->first_rejections()) reasons += (reasons.empty() ? "" : "; ") + r;
  return fmt::format("{} of {} items were rejected (more than max_rejected_share = {:g}); first reasons: {}",
                     c.rejected, met, max_share, reasons);
}

// Whether the sweep may judge absences, or why not: the rule is the same for every provider.
void judge_sweep(job& j) {
  j.summary.deletes_withheld = paging::judge_completeness(j.summary.sweep, j.provider->source().drift_tolerance);
  if (j.summary.deletes_withheld.doubt == paging::sweep_doubt::none) return;
  spdlog::warn("{}: the full sweep deletes nothing: {}", j.summary.name, j.summary.deletes_withheld.detail);
}

}  // namespace

std::vector<source_summary> run_sync(const sync_targets& cfg, const sync_options& options) {
  std::vector<std::unique_ptr<job>> jobs;
  for (const auto& s : cfg.whop_sources) {
    if (selected(s.source.name, options)) {
      jobs.push_back(std::make_unique<job>());
      jobs.back()->provider = std::make_unique<whop_sync>(s);
    }
  }
  for (const auto& s : cfg.posthog_sources) {
    if (selected(s.source.name, options)) {
      jobs.push_back(std::make_unique<job>());
      jobs.back()->provider = std::make_unique<posthog_sync>(s);
    }
  }

  // Prepare: a session each, the source's lock, its plan and its run.
  const auto now = std::chrono::system_clock::now();
  for (auto& j : jobs) {
    source_summary& s = j->summary;
    s.name = j->provider->source().name;
    s.provider = j->provider->provider();
    s.scope = j->provider->scope();
    j->session = store::connect(cfg.database);
    if (!store::try_lock_source(*j->session, cfg.database.schema, s.name)) {
      s.status = source_result::busy;
      s.error = "another personsync process is syncing this source";
      j->session.reset();
      continue;
    }
    j->store = std::make_unique<store::landing_store>(*j->session);
    j->sweep = j->provider->plan(j->store->state(s.name), options.force_full, now);
    s.mode = j->sweep.run.mode;
    j->run_id = j->store->begin_run(j->sweep.run);
    s.run_id = j->run_id;
    j->store->save_state(j->sweep.run, j->sweep.checkpoint, false);
  }

  // Sweep every source at once, each on its own loop and thread; each lands through its own writer thread.
  paging::rate_limiter_registry own_limiters;
  paging::rate_limiter_registry& limiters = options.limiters ? *options.limiters : own_limiters;
  for (auto& j : jobs) {
    if (!j->store) continue;
    const connectors::source_config& source = j->provider->source();
    j->client = std::make_unique<connectors::source_client>(
        j->io.get_executor(), source, limiters.for_credential(source.credential_id(), source.rate_limit), options.observer);
    std::function<void(std::size_t)> depth_changed;
    if (options.observer) {
      depth_changed = [observer = options.observer, name = source.name](std::size_t n) { observer->queue_depth(name, n); };
    }
    j->queue = std::make_unique<batch_queue>(j->io.get_executor(), queue_capacity, std::move(depth_changed));
    j->writer = std::make_unique<landing_writer>(*j->store, j->sweep.run, j->run_id, *j->queue, j->sweep.checkpoint);
    j->writer->start();
    job* self = j.get();
    paging::page_sink sink = [self](paging::page_result&& page) -> boost::asio::awaitable<void> {
      self->provider->note_page(page);
      co_await self->queue->push(std::move(page));
    };
    boost::asio::co_spawn(j->io, j->client->driver().run(*j->sweep.stream, std::move(sink)), [self](std::exception_ptr e) {
      self->sweep_error = e;
      self->queue->finish();
    });
  }
  if (options.cancellation) {
    options.cancellation->attach([&jobs] {
      for (auto& j : jobs) {
        if (j->client) boost::asio::post(j->io, [self = j.get()] { self->client->scope().cancel(); });
      }
    });
  }
  std::vector<std::thread> loops;
  for (auto& j : jobs) {
    if (j->client) loops.emplace_back([self = j.get()] { self->io.run(); });
  }
  for (std::thread& loop : loops) loop.join();
  // Still attached while the runs close: a stop during the absence checks and re-reads (their requests
  // run on each job's loop again) cancels them too, and the run closes cancelled, deleting nothing.
  const auto cancelled = [&] { return options.cancellation && options.cancellation->cancelled(); };

  // Close each run: absences only after a complete sweep that landed whole.
  for (auto& j : jobs) {
    if (!j->store) continue;
    source_summary& s = j->summary;
    j->writer->join();
    s.counts = j->writer->totals();
    s.sweep = j->client->driver().counts();
    try {
      if (j->writer->error()) {
        s.error = *j->writer->error();
      } else if (j->sweep_error) {
        s.error = message_of(j->sweep_error);
      } else if (auto too_many = rejected_beyond_share(*j, j->provider->source().max_rejected_share)) {
        s.error = std::move(too_many);
      } else {
        try {
          reread_stale(*j);
          if (j->sweep.may_delete) {
            judge_sweep(*j);
            if (s.deletes_withheld.doubt == paging::sweep_doubt::none) apply_absences(*j);
          }
        } catch (const store::database_unavailable&) {
          throw;
        } catch (const std::exception&) {
          // The lookups' verdicts are applied only once all are in, each step in its own transaction.
          s.error = "the absence checks did not finish, nothing was deleted: " + message_of(std::current_exception());
        }
      }
      s.status = !s.error ? source_result::succeeded : cancelled() ? source_result::cancelled : source_result::failed;
      if (!s.error) j->store->save_state(j->sweep.run, j->sweep.cursor_when_done, j->sweep.may_delete);
      store::run_outcome outcome{s.status == source_result::succeeded   ? store::run_status::succeeded
                                 : s.status == source_result::cancelled ? store::run_status::cancelled
                                                                        : store::run_status::failed,
                                 s.deleted, s.error};
      outcome.provider_clock_skew_seconds = s.sweep.provider_clock_skew_seconds;
      outcome.anomalies = boost::json::serialize(paging::anomalies_json(s.sweep));
      if (s.deletes_withheld.doubt != paging::sweep_doubt::none) {
        outcome.deletes_withheld = fmt::format("{}: {}", paging::doubt_name(s.deletes_withheld.doubt),
                                               s.deletes_withheld.detail);
      }
      j->store->finish_run(j->run_id, outcome);
    } catch (const std::exception& e) {
      s.status = source_result::failed;
      s.error = s.error.value_or(store::describe(e));
      spdlog::error("{}: closing the run failed: {}", s.name, store::describe(e));
      close_failed_run(*j, cfg.database, *s.error);
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - j->started).count();
    if (s.error) spdlog::error("{}: sync failed: {}", s.name, *s.error);
  }

  if (options.cancellation) options.cancellation->detach();

  std::vector<source_summary> out;
  for (auto& j : jobs) out.push_back(std::move(j->summary));
  return out;
}

}  // namespace personsync::sync
