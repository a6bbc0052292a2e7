// The daemon's schedule: a run at startup, intervals with jitter, full sweeps
// on their own interval, capped backoff after failures, never two runs of one
// source at once, SIGUSR1 making everything due.

#include <gtest/gtest.h>

#include "daemon/runtime/scheduler.hpp"

namespace personsync::runtime {
namespace {

using namespace std::chrono_literals;
using clock_type = scheduler::clock;

schedule_config config(std::chrono::milliseconds jitter = 0ms) {
  schedule_config c;
  c.interval = 10min;
  c.full_interval = 24h;
  c.jitter = jitter;
  c.max_backoff = 1h;
  return c;
}

TEST(Scheduler, RunsAtStartupThenEveryIntervalNeverTwiceAtOnce) {
  scheduler s(config(), 1);
  const auto t0 = clock_type::now();
  s.set_sources({{"store"}, {"product"}}, t0);
  auto due = s.take_due(t0);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_FALSE(due[0].full);
  EXPECT_TRUE(s.take_due(t0 + 1h).empty()) << "running sources are not due again";
  s.finished("store", scheduler::run_outcome::succeeded, false, t0 + 1min);
  EXPECT_TRUE(s.take_due(t0 + 10min).empty());
  due = s.take_due(t0 + 11min);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].source, "store");
  EXPECT_EQ(s.next_wakeup(), std::nullopt) << "both running";
}

TEST(Scheduler, KnowsSinceWhenARunHasBeenGoingOn) {
  scheduler s(config(), 1);
  const auto t0 = clock_type::now();
  s.set_sources({{"store"}}, t0);
  EXPECT_EQ(s.running_since("store"), std::nullopt);
  ASSERT_EQ(s.take_due(t0 + 1s).size(), 1u);
  EXPECT_EQ(s.running_since("store"), t0 + 1s);
  s.finished("store", scheduler::run_outcome::failed, false, t0 + 2h);
  EXPECT_EQ(s.running_since("store"), std::nullopt);
  EXPECT_EQ(s.running_since("nothing"), std::nullopt);
}

TEST(Scheduler, FullSweepsComeOnTheirOwnInterval) {
  scheduler s(config(), 1);
  const auto t0 = clock_type::now();
  s.set_sources({{"store"}}, t0);
  s.take_due(t0);
  s.finished("store", scheduler::run_outcome::succeeded, false, t0);
  auto due = s.take_due(t0 + 25h);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_TRUE(due[0].full);
  s.finished("store", scheduler::run_outcome::succeeded, true, t0 + 25h);
  due = s.take_due(t0 + 25h + 11min);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_FALSE(due[0].full);
}

TEST(Scheduler, FailuresBackOffDoublingUpToTheCap) {
  scheduler s(config(), 1);
  const auto t0 = clock_type::now();
  s.set_sources({{"store"}}, t0);
  auto now = t0;
  std::vector<std::chrono::minutes> waits;
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(s.take_due(now).size(), 1u);
    s.finished("store", scheduler::run_outcome::failed, false, now);
    const auto next = *s.next_wakeup();
    waits.push_back(std::chrono::duration_cast<std::chrono::minutes>(next - now));
    now = next;
  }
  EXPECT_EQ(waits, (std::vector<std::chrono::minutes>{10min, 20min, 40min, 60min, 60min, 60min}));
  EXPECT_EQ(s.failing_since("store"), t0);
  s.take_due(now);
  s.finished("store", scheduler::run_outcome::succeeded, false, now);
  EXPECT_EQ(s.failing_since("store"), std::nullopt);
}

TEST(Scheduler, JitterStaysWithinItsBoundAndTriggerMakesAllDue) {
  scheduler s(config(30s), 7);
  const auto t0 = clock_type::now();
  s.set_sources({{"a"}, {"b"}, {"c"}}, t0);
  s.take_due(t0);
  for (const char* name : {"a", "b", "c"}) s.finished(name, scheduler::run_outcome::succeeded, false, t0);
  const auto next = *s.next_wakeup();
  EXPECT_GE(next, t0 + 10min);
  EXPECT_LE(next, t0 + 10min + 30s);
  s.trigger_all(t0 + 1s);
  EXPECT_EQ(s.take_due(t0 + 1s).size(), 3u);
}

TEST(Scheduler, ASourceMayHaveItsOwnIntervals) {
  scheduler s(config(), 1);
  const auto t0 = clock_type::now();
  s.set_sources({{"store", 1min, std::nullopt}, {"product"}}, t0);
  s.take_due(t0);
  s.finished("store", scheduler::run_outcome::succeeded, false, t0);
  s.finished("product", scheduler::run_outcome::succeeded, false, t0);
  auto due = s.take_due(t0 + 2min);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].source, "store");
}

TEST(Scheduler, ReloadAddsAndRemovesSources) {
  scheduler s(config(), 1);
  const auto t0 = clock_type::now();
  s.set_sources({{"a"}}, t0);
  s.take_due(t0);
  s.finished("a", scheduler::run_outcome::succeeded, false, t0);
  s.set_sources({{"a"}, {"b"}}, t0 + 1min);
  auto due = s.take_due(t0 + 1min);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].source, "b");
  s.set_sources({{"b"}}, t0 + 2min);
  s.finished("a", scheduler::run_outcome::succeeded, false, t0 + 2min);  // a run of a removed source ending: ignored
  EXPECT_FALSE(s.failing_since("a"));
}

TEST(Scheduler, OnlySourcesWhoseLeaseIsHeldRunAndAnotherReplicasFailuresAreNotOurs) {
  scheduler s(config(), 1);
  const auto t0 = clock_type::now();
  s.set_sources({{"store"}, {"product"}}, t0);
  s.set_held({"store"});
  auto due = s.take_due(t0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].source, "store");
  s.finished("store", scheduler::run_outcome::failed, false, t0 + 1s);
  ASSERT_TRUE(s.failing_since("store"));
  EXPECT_EQ(*s.next_wakeup(), t0 + 1s + 10min) << "a source held elsewhere never wakes this replica";

  // Another replica took "store"; this one took "product", due at once (it never ran it).
  s.set_held({"product"});
  EXPECT_FALSE(s.failing_since("store"));
  due = s.take_due(t0 + 2s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].source, "product");
  EXPECT_TRUE(s.take_due(t0 + 1h).empty());
}

TEST(Scheduler, ABusySourceIsTriedAgainSoonWithoutCountingAFailure) {
  scheduler s(config(), 1);
  const auto t0 = clock_type::now();
  s.set_sources({{"store"}}, t0);
  s.take_due(t0);
  s.finished("store", scheduler::run_outcome::busy, true, t0);
  EXPECT_FALSE(s.failing_since("store"));
  EXPECT_EQ(*s.next_wakeup(), t0 + 30s);
  EXPECT_EQ(s.take_due(t0 + 30s).size(), 1u);
}

}  // namespace
}  // namespace personsync::runtime
