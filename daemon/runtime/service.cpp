#include "daemon/runtime/service.hpp"

#include <malloc.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon/http/health_server.hpp"
#include "daemon/logging/logging.hpp"
#include "daemon/runtime/daemon_metrics.hpp"
#include "daemon/runtime/database_watch.hpp"
#include "daemon/runtime/scheduler.hpp"
#include "daemon/runtime/sync_cycle.hpp"
#include "daemon/runtime/systemd_notify.hpp"
#include "daemon/settings/reload_policy.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/source_lock.hpp"

namespace personsync::runtime {
namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

// SIGTERM to exit: in-flight requests are cancelled at once; this bounds the wait
// for open batches to commit or roll back (systemd's TimeoutStopSec is 90 s).
constexpr auto stop_deadline = std::chrono::seconds(9);
constexpr auto tick = std::chrono::seconds(1);

std::vector<scheduler::source> scheduled_sources(const settings::daemon_config& cfg) {
  std::vector<scheduler::source> out;
  for (const connectors::source_config* s : cfg.sources()) out.push_back({s->name, s->interval, s->full_interval});
  return out;
}

// How often the database is looked at (readiness, leases): a replica takes the sources of one that
// died within this, and a short interval should not be outlasted by the takeover.
std::chrono::milliseconds look_period(const schedule_config& schedule) {
  return std::clamp<std::chrono::milliseconds>(schedule.interval, std::chrono::seconds(1), std::chrono::seconds(5));
}

std::vector<std::string> source_names(const settings::daemon_config& cfg) {
  std::vector<std::string> names;
  for (const connectors::source_config* s : cfg.sources()) names.push_back(s->name);
  return names;
}

// The config as this replica runs it: its sessions carry its name.
settings::daemon_config as_replica(settings::daemon_config cfg, const std::string& replica) {
  cfg.database.application_name = store::replica_application_name(replica);
  return cfg;
}

class service {
 public:
  explicit service(settings::daemon_config config)
      : replica_(config.schedule.replica()),
        cfg_(as_replica(std::move(config), replica_)),
        signals_(io_, SIGTERM, SIGINT, SIGHUP),
        tick_timer_(io_),
        watchdog_timer_(io_),
        stop_timer_(io_),
        schedule_(cfg_.schedule, std::random_device{}()),
        database_(cfg_.database, replica_, source_names(cfg_), look_period(cfg_.schedule)) {}

  int run() {
    signals_.add(SIGUSR1);
    if (cfg_.http.enabled) {
      try {
        endpoint_.emplace(io_.get_executor(), cfg_.http, routes());
        spdlog::info("serving /metrics, /healthz and /readyz on {}:{}", cfg_.http.listen_address, endpoint_->port());
      } catch (const std::exception& e) {
        spdlog::critical("cannot serve metrics on {}:{}: {}", cfg_.http.listen_address, cfg_.http.port, e.what());
        return 1;
      }
    }
    schedule_.set_sources(scheduled_sources(cfg_), clock_type::now());
    schedule_.set_held({});  // until the database says which leases are this replica's
    spdlog::info("replica {}: sources are scheduled here once their leases are taken", database_.replica());
    take_limiters();
    wait_for_signal();
    on_tick();
    ping_watchdog();
    io_.run();
    return 0;
  }

 private:
  // What a worker hands back to the loop: the run, and the identity figures it read for the metrics.
  struct run_report {
    cycle_result cycle;
    std::vector<std::tuple<std::string, std::string, std::int64_t>> events;
    std::optional<store::identity_overview> overview;
  };

  static void read_identity_figures(const settings::daemon_config& cfg, run_report& report) {
    try {
      const auto session = store::connect(cfg.database);
      store::identity_store store(*session);
      report.events = store.events_by_kind_and_cause(report.cycle.identity->resolution_id);
      report.overview = store.overview(0);
    } catch (const std::exception& e) {
      spdlog::warn("reading identity figures for metrics failed: {}", store::describe(e));
    }
  }

  struct worker {
    std::thread thread;
    sync::sync_cancellation cancellation;
    bool full = false;
  };

  std::map<std::string, http::route_handler> routes() {
    return {
        {"/metrics", [this] { return metrics(); }},
        {"/healthz", [] { return http::endpoint_response{200, "text/plain; charset=utf-8", "ok\n"}; }},
        {"/readyz", [this] { return readiness(); }},
    };
  }

  // Each credential's limiter exists from the start (and takes a reload's limits at once),
  // so that /metrics shows its tokens before the first run.
  void take_limiters() {
    for (const connectors::source_config* s : cfg_.sources()) limiters_.for_credential(s->credential_id(), s->rate_limit);
  }

  http::endpoint_response metrics() {
    // Tokens refill with time, not with events: read when asked.
    for (const connectors::source_config* s : cfg_.sources()) {
      const auto limiter = limiters_.find(s->credential_id());
      metrics_.record_rate_limit_tokens(s->name, limiter && !limiter->windows().empty()
                                                     ? std::optional(limiter->available())
                                                     : std::nullopt);
    }
    metrics_.record_leases(source_names(cfg_), database_.replica(), database_.holders());
    return {200, "text/plain; version=0.0.4; charset=utf-8", metrics_.serialize()};
  }

  http::endpoint_response readiness() {
    if (!database_.ready()) return {503, "text/plain; charset=utf-8", "not ready: " + database_.problem() + "\n"};
    const auto now = clock_type::now();
    for (const std::string& name : source_names(cfg_)) {
      const auto seconds = [&](clock_type::time_point since) {
        return std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
      };
      const auto since = schedule_.failing_since(name);
      if (since && now - *since > cfg_.schedule.unready_after) {
        return {503, "text/plain; charset=utf-8",
                fmt::format("not ready: source {} has been failing for {} s\n", name, seconds(*since))};
      }
      // A run that goes on and on (a lock, a provider that trickles) is as unready as one that fails.
      const auto running = schedule_.running_since(name);
      if (running && now - *running > cfg_.schedule.max_run_time) {
        return {503, "text/plain; charset=utf-8",
                fmt::format("not ready: source {} has been running for {} s, longer than schedule.max_run_time\n",
                            name, seconds(*running))};
      }
    }
    return {200, "text/plain; charset=utf-8", "ready\n"};
  }

  void wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
      if (error) return;
      switch (signal) {
        case SIGHUP: reload(); break;
        case SIGUSR1:
          spdlog::info("SIGUSR1: running every source now");
          schedule_.trigger_all(clock_type::now());
          on_tick();
          break;
        default: stop(signal); return;
      }
      wait_for_signal();
    });
  }

  // Ready once the database answers with a current schema; then due sources start.
  void on_tick() {
    if (stopping_) return;
    if (!ready_sent_ && database_.ready()) {
      ready_sent_ = true;
      notify_.ready();
      notify_.status(endpoint_ ? fmt::format("ready; {} sources; metrics on {}:{}", source_names(cfg_).size(),
                                             cfg_.http.listen_address, endpoint_->port())
                               : fmt::format("ready; {} sources", source_names(cfg_).size()));
      spdlog::info("personsync is running: {} sources", source_names(cfg_).size());
    }
    if (ready_sent_) {
      schedule_.set_held(database_.held());
      for (const auto& due : schedule_.take_due(clock_type::now())) start(due.source, due.full);
    }
    tick_timer_.expires_after(tick);
    tick_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) on_tick();
    });
  }

  // WATCHDOG=1 only from this loop: a stuck loop stops the pings and systemd restarts us.
  void ping_watchdog() {
    const auto interval = notify_.watchdog_interval();
    if (!interval) return;
    notify_.watchdog();
    watchdog_timer_.expires_after(*interval / 2);
    watchdog_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error && !stopping_) ping_watchdog();
    });
  }

  void start(const std::string& source, bool full) {
    auto w = std::make_unique<worker>();
    w->full = full;
    worker* self = w.get();
    const settings::daemon_config cfg = cfg_;  // the worker's own copy: a reload does not change a run under way
    spdlog::info("{}: starting a{} run", source, full ? " full" : "n incremental or first");
    w->thread = std::thread([this, self, cfg, source, full] {
      sync::sync_options options;
      options.only_sources = {source};
      options.force_full = full;
      options.cancellation = &self->cancellation;
      options.limiters = &limiters_;
      options.observer = &metrics_;
      auto report = std::make_shared<run_report>();
      try {
        report->cycle = sync_and_resolve(cfg, options, true);
        if (report->cycle.identity) read_identity_figures(cfg, *report);
      } catch (const std::exception& e) {
        sync::source_summary failed;
        failed.name = source;
        failed.status = sync::source_result::failed;
        failed.error = store::describe(e);
        report->cycle.sources.push_back(std::move(failed));
      }
      asio::post(io_, [this, source, report] { finished(source, *report); });
    });
    workers_.emplace(source, std::move(w));
  }

  void finished(const std::string& source, const run_report& report) {
    const cycle_result& result = report.cycle;
    const auto it = workers_.find(source);
    if (it == workers_.end()) return;
    it->second->thread.join();
    const bool full = it->second->full;
    workers_.erase(it);
    // A run's pages, keys and batches are freed by now, but glibc keeps freed pages in
    // the arena of the thread that used them; between runs a daemon should hold only
    // what it needs.
    malloc_trim(0);

    bool succeeded = !result.sources.empty();
    bool busy = !result.sources.empty();
    std::string line;
    for (const sync::source_summary& s : result.sources) {
      metrics_.record_run(s);
      succeeded = succeeded && s.status == sync::source_result::succeeded;
      busy = busy && s.status == sync::source_result::busy;
      line = fmt::format("{}: {} in {:.1f} s (fetched {}, inserted {}, updated {}, deleted {})", s.name, name_of(s.status),
                         s.seconds, s.counts.fetched, s.counts.inserted, s.counts.updated, s.deleted);
      if (s.error) line += "; " + *s.error;
    }
    if (result.identity) {
      if (report.overview) {
        metrics_.record_resolution(*result.identity, result.identity_seconds, report.events, *report.overview);
      }
      line += fmt::format("; identity: {} events", result.identity->events);
    } else if (result.identity_error) {
      metrics_.record_resolution_failure();
      line += "; identity resolution failed";
    }
    spdlog::info("{}", line);
    notify_.status(line);
    using outcome = scheduler::run_outcome;
    schedule_.finished(source, busy ? outcome::busy : succeeded ? outcome::succeeded : outcome::failed, full,
                       clock_type::now());
    if (stopping_ && workers_.empty()) io_.stop();
  }

  void reload() {
    notify_.reloading();
    spdlog::info("SIGHUP: reloading {}", cfg_.file.string());
    settings::loaded_config loaded = settings::load_config(cfg_.file);
    for (const config::diagnostic& d : loaded.diagnostics.all()) {
      if (loaded.diagnostics.has_errors()) {
        spdlog::error("reload: {}", config::to_string(d));
      } else {
        spdlog::warn("reload: {}", config::to_string(d));
      }
    }
    if (!loaded.config) {
      spdlog::error("reload rejected: {} keeps the configuration it had", cfg_.file.string());
      notify_.ready();
      return;
    }
    settings::daemon_config next = std::move(*loaded.config);
    for (const std::string& key : settings::keep_what_needs_restart(cfg_, next)) {
      spdlog::warn("reload: {} changed; it applies at the next restart", key);
    }
    next.database.application_name = cfg_.database.application_name;  // not a key: the replica's name gives it
    cfg_ = std::move(next);
    logging::configure(cfg_.log);
    schedule_.set_config(cfg_.schedule);
    schedule_.set_sources(scheduled_sources(cfg_), clock_type::now());
    schedule_.set_held(database_.held());
    database_.set_sources(source_names(cfg_));
    take_limiters();
    spdlog::info("reloaded: {} sources", source_names(cfg_).size());
    notify_.ready();
  }

  void stop(int signal) {
    spdlog::info("{}: stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    notify_.stopping();
    stopping_ = true;
    tick_timer_.cancel();
    watchdog_timer_.cancel();
    if (endpoint_) endpoint_->stop();
    for (auto& [name, w] : workers_) w->cancellation.cancel();
    if (workers_.empty()) {
      io_.stop();
      return;
    }
    stop_timer_.expires_after(stop_deadline);
    stop_timer_.async_wait([this](const boost::system::error_code& error) {
      if (error || workers_.empty()) return;
      spdlog::error("{} run(s) did not stop within {} s; exiting anyway (their transactions roll back)",
                    workers_.size(), stop_deadline.count());
      abandoned_ = true;
      io_.stop();
    });
  }

 public:
  [[nodiscard]] bool abandoned() const { return abandoned_; }

 private:
  asio::io_context io_;  // first: destroyed last
  const std::string replica_;
  settings::daemon_config cfg_;
  asio::signal_set signals_;
  asio::steady_timer tick_timer_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer stop_timer_;
  systemd_notifier notify_;
  daemon_metrics metrics_;
  scheduler schedule_;
  database_watch database_;
  std::optional<http::health_server> endpoint_;
  // One budget per credential across all runs, kept between them: sources sharing a key share it.
  paging::rate_limiter_registry limiters_{true};
  std::map<std::string, std::unique_ptr<worker>> workers_;
  bool ready_sent_ = false;
  bool stopping_ = false;
  bool abandoned_ = false;
};

}  // namespace

int run_service(settings::daemon_config config) {
  auto s = std::make_unique<service>(std::move(config));
  const int code = s->run();
  if (s->abandoned()) {
    // Worker threads are still inside a run: leave without joining them.
    spdlog::default_logger()->flush();
    std::quick_exit(code);
  }
  return code;
}

}  // namespace personsync::runtime
