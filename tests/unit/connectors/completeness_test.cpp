// The rules every provider's sweep shares: how offset pages are planned without
// trusting a total, and when a sweep may stand as proof of what exists upstream.

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "connectors/paging/completeness.hpp"
#include "connectors/paging/offset_plan.hpp"

namespace personsync::paging {
namespace {

TEST(OffsetPlan, PlansAheadUntilAPageSaysNothingFollows) {
  offset_plan plan(100, 3);
  EXPECT_EQ(plan.answered(0, true), (std::vector<std::int64_t>{100, 200, 300}));
  EXPECT_EQ(plan.answered(100, true), (std::vector<std::int64_t>{400}));
  EXPECT_EQ(plan.answered(300, false), (std::vector<std::int64_t>{}));
  EXPECT_EQ(plan.answered(200, true), (std::vector<std::int64_t>{})) << "nothing beyond the last page";
}

TEST(OffsetPlan, AUsableTotalStopsPlanningAtThePageThatProvesTheEnd) {
  offset_plan plan(100, 4);
  plan.expect_total(250);
  EXPECT_EQ(plan.answered(0, true), (std::vector<std::int64_t>{100, 200, 300}));
  EXPECT_EQ(plan.answered(200, true), (std::vector<std::int64_t>{})) << "300 proves the end";
  EXPECT_EQ(plan.answered(300, true), (std::vector<std::int64_t>{400, 500, 600, 700}))
      << "a full page past the total: the total was too small, planning goes on";
}

TEST(AnnouncedTotal, OnlyASaneIntegerIsATotal) {
  const auto read = [](const char* json) {
    const boost::json::value v = boost::json::parse(json);
    return read_announced_total(&v);
  };
  EXPECT_EQ(read("1000").value, 1000);
  EXPECT_EQ(read("-5").problem, announced_total_problem::negative);
  EXPECT_EQ(read("1000000000000").problem, announced_total_problem::beyond_bound);
  EXPECT_EQ(read("\"12\"").problem, announced_total_problem::not_an_integer);
  EXPECT_EQ(read("null").problem, announced_total_problem::none);
  EXPECT_EQ(read("null").value, -1);
  EXPECT_EQ(read_announced_total(nullptr).value, -1);
}

TEST(Completeness, ADriftedOrUnusableTotalWithholdsDeletes) {
  sweep_counts ok;
  ok.records = 995;
  ok.expected_total = 1000;
  EXPECT_EQ(judge_completeness(ok, 0.01).doubt, sweep_doubt::none);
  EXPECT_EQ(ok.shortfall, 5u);

  sweep_counts small = ok;
  small.records = 1000;
  small.expected_total = 150;
  const completeness drifted = judge_completeness(small, 0.01);
  EXPECT_EQ(drifted.doubt, sweep_doubt::drifted);
  EXPECT_TRUE(small.drifted);
  EXPECT_NE(drifted.detail.find("collected 1000 records where the provider announced 150"), std::string::npos);

  sweep_counts negative;
  negative.total_problem = announced_total_problem::negative;
  EXPECT_EQ(judge_completeness(negative, 0.01).doubt, sweep_doubt::total_negative);
  EXPECT_EQ(doubt_name(sweep_doubt::total_negative), "total_negative");

  sweep_counts unannounced;  // PostHog without include_total: nothing to check against
  unannounced.records = 10;
  EXPECT_EQ(judge_completeness(unannounced, 0.01).doubt, sweep_doubt::none);
}

}  // namespace
}  // namespace personsync::paging
