#pragma once
// Request rate limits of one credential, shared by every source that uses it.
//
// Each window ("180/min") allows at most N requests in ANY interval of its
// length: a sliding log of send times, which never trips a server that counts
// the same way (PostHog's throttles do). Thread-safe: the daemon's sources run
// on event loops of their own and may share a credential. A plain token bucket of the same
// numbers could let 2N through in one interval. Each send counts 2% (at least
// 20 ms) beyond its window, so that network jitter cannot tip the server's
// count of arrivals over. A server's Retry-After pauses
// the whole credential until then.

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace personsync::paging {

struct rate_window {
  std::size_t requests;
  std::chrono::milliseconds period;
  friend bool operator==(const rate_window&, const rate_window&) = default;
};

// "180/min, 1200/hour" (units: s, sec, second, min, minute, h, hour, d, day);
// "" or "none" for no limit. nullopt when the text does not parse.
std::optional<std::vector<rate_window>> parse_rate_limit(std::string_view text);

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit rate_limiter(std::vector<rate_window> windows);

  // Waits until every window has room and no pause is in force, then takes a
  // slot in each. Cancellable through the awaiting coroutine's slot.
  boost::asio::awaitable<void> acquire();

  // The rule itself, on whatever clock the caller keeps (acquire() keeps steady_clock's; the
  // tests a virtual one): at `now`, takes a slot in each window and returns zero, or takes
  // nothing and returns how long until one may be taken.
  clock::duration try_take(clock::time_point now);

  // The server said "not before then" (Retry-After): nothing is sent until.
  void pause_until(clock::time_point until, clock::time_point now = clock::now());

  [[nodiscard]] std::vector<rate_window> windows() const;
  // New limits (a reload); the log of sends is kept.
  void set_windows(std::vector<rate_window> windows);
  // Requests that may go out now without waiting (the smallest over the windows).
  [[nodiscard]] std::size_t available(clock::time_point now = clock::now());
  [[nodiscard]] std::chrono::milliseconds paused_total() const;

 private:
  // How long until a request may go; zero when it may go now.
  clock::duration wait_needed(clock::time_point now);
  void forget_before(clock::time_point now);

  mutable std::mutex mutex_;  // over everything below
  std::vector<rate_window> windows_;
  std::deque<clock::time_point> sent_;  // send times within the longest window
  clock::time_point paused_until_{};
  std::chrono::milliseconds paused_total_{0};
};

// When the last of `requests` sends could go, starting from a quiet credential,
// under the limiter's own rule: how long a sweep of that many requests takes
// at the least, whatever the network.
std::chrono::milliseconds time_to_send(std::size_t requests, const std::vector<rate_window>& windows);

// One limiter per credential: sources that share a key share its budget.
// `retain`: keep each limiter (and its log of sends) between runs, as the
// daemon does; else a limiter lives as long as the runs that use it.
class rate_limiter_registry {
 public:
  explicit rate_limiter_registry(bool retain = false) : retain_(retain) {}

  // `credential_id` identifies the key without being it (a hash), `windows` its limits;
  // later callers share the limiter, with the first caller's limits — or, when retained, the newest's.
  std::shared_ptr<rate_limiter> for_credential(const std::string& credential_id, std::vector<rate_window> windows);
  // The credential's limiter if one is alive, else null: for reading, never creating one.
  std::shared_ptr<rate_limiter> find(const std::string& credential_id);

 private:
  std::shared_ptr<rate_limiter> find_locked(const std::string& credential_id) const;  // under mutex_

  std::mutex mutex_;
  bool retain_;
  std::vector<std::pair<std::string, std::weak_ptr<rate_limiter>>> limiters_;
  std::vector<std::shared_ptr<rate_limiter>> retained_;
};

}  // namespace personsync::paging
