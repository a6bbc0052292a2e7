#include "connectors/paging/rate_limiter.hpp"

#include <algorithm>
#include <charconv>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/ascii.hpp"

namespace personsync::paging {
namespace {

// A send counts a little longer than its window: the server counts arrivals,
// and a request that paid for a new connection arrives later than one on a warm
// connection, which would let the server see one request too many in a window.
std::chrono::milliseconds counted_for(std::chrono::milliseconds period) {
  return period + std::max<std::chrono::milliseconds>(std::chrono::milliseconds(20), period / 50);
}

// Sends that still count against a window of `period` (the log is in time order).
std::size_t sends_within(const std::deque<std::chrono::steady_clock::time_point>& sent,
                         std::chrono::steady_clock::time_point now, std::chrono::milliseconds period) {
  const auto first_inside = std::upper_bound(sent.begin(), sent.end(), now - counted_for(period));
  return static_cast<std::size_t>(sent.end() - first_inside);
}

}  // namespace

std::optional<std::vector<rate_window>> parse_rate_limit(std::string_view text) {
  std::vector<rate_window> windows;
  if (const std::string_view all = trim_ascii(text); all.empty() || all == "none") return windows;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t comma = text.find(',', start);
    const std::string_view piece = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const std::size_t slash = piece.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const std::string_view count = trim_ascii(piece.substr(0, slash));
    const std::string_view unit = trim_ascii(piece.substr(slash + 1));
    std::size_t n = 0;
    if (!all_ascii_digits(count) ||
        std::from_chars(count.data(), count.data() + count.size(), n).ec != std::errc() || n == 0) {
      return std::nullopt;
    }
    std::chrono::milliseconds period{1000};
    if (unit == "min" || unit == "minute") period = std::chrono::minutes(1);
    else if (unit == "h" || unit == "hour") period = std::chrono::hours(1);
    else if (unit == "d" || unit == "day") period = std::chrono::hours(24);
    else if (unit != "s" && unit != "sec" && unit != "second") return std::nullopt;
    windows.push_back({n, period});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return windows;
}

rate_limiter::rate_limiter(std::vector<rate_window> windows) : windows_(std::move(windows)) {}

std::vector<rate_window> rate_limiter::windows() const {
  std::lock_guard lock(mutex_);
  return windows_;
}

void rate_limiter::set_windows(std::vector<rate_window> windows) {
  std::lock_guard lock(mutex_);
  windows_ = std::move(windows);
}

std::chrono::milliseconds rate_limiter::paused_total() const {
  std::lock_guard lock(mutex_);
  return paused_total_;
}

void rate_limiter::pause_until(clock::time_point until, clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (until <= paused_until_ || until <= now) return;
  paused_total_ += std::chrono::duration_cast<std::chrono::milliseconds>(until - std::max(now, paused_until_));
  paused_until_ = until;
}

void rate_limiter::forget_before(clock::time_point now) {
  clock::duration longest{0};
  for (const rate_window& w : windows_) longest = std::max<clock::duration>(longest, counted_for(w.period));
  while (!sent_.empty() && now - sent_.front() >= longest) sent_.pop_front();
}

rate_limiter::clock::duration rate_limiter::wait_needed(clock::time_point now) {
  forget_before(now);
  clock::duration wait = paused_until_ > now ? paused_until_ - now : clock::duration::zero();
  for (const rate_window& w : windows_) {
    if (sends_within(sent_, now, w.period) >= w.requests) {
      // Room comes when the oldest send that still counts leaves the window.
      const clock::time_point oldest_counted = *(sent_.rbegin() + static_cast<std::ptrdiff_t>(w.requests) - 1);
      wait = std::max(wait, oldest_counted + counted_for(w.period) - now);
    }
  }
  return wait;
}

std::size_t rate_limiter::available(clock::time_point now) {
  std::lock_guard lock(mutex_);
  forget_before(now);
  if (paused_until_ > now) return 0;
  std::size_t room = SIZE_MAX;
  for (const rate_window& w : windows_) {
    const std::size_t inside = sends_within(sent_, now, w.period);
    room = std::min(room, inside >= w.requests ? 0 : w.requests - inside);
  }
  return room;
}

rate_limiter::clock::duration rate_limiter::try_take(clock::time_point now) {
  // Computing the wait and recording the send under one lock: no other sender slips in between.
  std::lock_guard lock(mutex_);
  const clock::duration wait = wait_needed(now);
  if (wait <= clock::duration::zero() && !windows_.empty()) sent_.push_back(now);
  return std::max(wait, clock::duration::zero());
}

boost::asio::awaitable<void> rate_limiter::acquire() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    const clock::duration wait = try_take(clock::now());
    if (wait == clock::duration::zero()) co_return;
    timer.expires_after(wait);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

std::chrono::milliseconds time_to_send(std::size_t requests, const std::vector<rate_window>& windows) {
  std::vector<std::chrono::milliseconds> sent;  // on a virtual clock from 0
  sent.reserve(requests);
  for (std::size_t i = 0; i < requests; ++i) {
    std::chrono::milliseconds at = sent.empty() ? std::chrono::milliseconds(0) : sent.back();
    for (const rate_window& w : windows) {
      if (i >= w.requests) at = std::max(at, sent[i - w.requests] + counted_for(w.period));
    }
    sent.push_back(at);
  }
  return sent.empty() ? std::chrono::milliseconds(0) : sent.back();
}

std::shared_ptr<rate_limiter> rate_limiter_registry::for_credential(const std::string& credential_id,
                                                                    std::vector<rate_window> windows) {
  std::lock_guard lock(mutex_);
  std::erase_if(limiters_, [](const auto& entry) { return entry.second.expired(); });
  if (auto limiter = find_locked(credential_id)) {
    // Kept between runs, a limiter takes the limits of the config the newest run read (a reload).
    if (retain_ && limiter->windows() != windows) limiter->set_windows(std::move(windows));
    return limiter;
  }
  auto limiter = std::make_shared<rate_limiter>(std::move(windows));
  limiters_.emplace_back(credential_id, limiter);
  if (retain_) retained_.push_back(limiter);
  return limiter;
}

std::shared_ptr<rate_limiter> rate_limiter_registry::find(const std::string& credential_id) {
  std::lock_guard lock(mutex_);
  return find_locked(credential_id);
}

std::shared_ptr<rate_limiter> rate_limiter_registry::find_locked(const std::string& credential_id) const {
  for (const auto& [id, known] : limiters_) {
    if (id == credential_id) return known.lock();
  }
  return nullptr;
}

}  // namespace personsync::paging
