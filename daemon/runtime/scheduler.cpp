#include "daemon/runtime/scheduler.hpp"

#include <algorithm>

namespace personsync::runtime {
namespace {

// After a run found its source busy (a `sync` by hand, or a replica whose lease session broke
// while its run went on): soon again, for the other process may end any moment.
constexpr std::chrono::seconds busy_retry{30};

}  // namespace

scheduler::scheduler(schedule_config config, std::uint64_t seed) : config_(config), rng_(seed) {}

scheduler::clock::duration scheduler::jittered(clock::duration wait) {
  const auto jitter = std::chrono::duration_cast<clock::duration>(config_.jitter);
  if (jitter.count() <= 0) return wait;
  return wait + clock::duration(std::uniform_int_distribution<clock::rep>(0, jitter.count())(rng_));
}

scheduler::clock::duration scheduler::interval_of(const source_state& s) const {
  return std::chrono::duration_cast<clock::duration>(s.config.interval.value_or(config_.interval));
}

scheduler::clock::duration scheduler::full_interval_of(const source_state& s) const {
  return std::chrono::duration_cast<clock::duration>(s.config.full_interval.value_or(config_.full_interval));
}

void scheduler::set_sources(const std::vector<source>& sources, clock::time_point now) {
  std::map<std::string, source_state> kept;
  for (const source& src : sources) {
    const auto it = sources_.find(src.name);
    if (it != sources_.end()) {
      source_state s = it->second;
      s.config = src;
      kept.emplace(src.name, s);
    } else {
      // The first run's kind is the sync's own choice (full when none has completed); full sweeps recur from here.
      source_state s{src, now, now};
      s.next_full = now + jittered(full_interval_of(s));
      kept.emplace(src.name, s);
    }
  }
  sources_ = std::move(kept);
}

void scheduler::set_held(const std::set<std::string>& held) {
  for (auto& [name, s] : sources_) {
    s.held = held.contains(name);
    if (!s.held) s.failing_since.reset();
  }
}

std::vector<scheduler::due_run> scheduler::take_due(clock::time_point now) {
  std::vector<due_run> out;
  for (auto& [name, s] : sources_) {
    if (s.running || !s.held || s.next_run > now) continue;
    s.running = true;
    s.running_since = now;
    out.push_back({name, s.next_full <= now});
  }
  return out;
}

void scheduler::finished(const std::string& source, run_outcome outcome, bool was_full, clock::time_point now) {
  const auto it = sources_.find(source);
  if (it == sources_.end()) return;  // removed by a reload while it ran
  source_state& s = it->second;
  s.running = false;
  if (outcome == run_outcome::busy) {
    s.next_run = now + jittered(std::min<clock::duration>(busy_retry, interval_of(s)));
    return;
  }
  if (outcome == run_outcome::succeeded) {
    s.failures = 0;
    s.failing_since.reset();
    s.next_run = now + jittered(interval_of(s));
    if (was_full) s.next_full = now + jittered(full_interval_of(s));
    return;
  }
  if (!s.failing_since) s.failing_since = now;
  ++s.failures;
  auto wait = interval_of(s);
  for (int i = 1; i < s.failures && wait < config_.max_backoff; ++i) wait *= 2;
  s.next_run = now + jittered(std::min(wait, std::chrono::duration_cast<clock::duration>(config_.max_backoff)));
}

void scheduler::trigger_all(clock::time_point now) {
  for (auto& [name, s] : sources_) {
    if (!s.running) s.next_run = now;
  }
}

std::optional<scheduler::clock::time_point> scheduler::next_wakeup() const {
  std::optional<clock::time_point> out;
  for (const auto& [name, s] : sources_) {
    if (!s.running && s.held && (!out || s.next_run < *out)) out = s.next_run;
  }
  return out;
}

std::optional<scheduler::clock::time_point> scheduler::running_since(const std::string& source) const {
  const auto it = sources_.find(source);
  return it == sources_.end() || !it->second.running ? std::nullopt : std::optional(it->second.running_since);
}

std::optional<scheduler::clock::time_point> scheduler::failing_since(const std::string& source) const {
  const auto it = sources_.find(source);
  return it == sources_.end() ? std::nullopt : it->second.failing_since;
}

}  // namespace personsync::runtime
