// The PostHog connector over real HTTP against the simulator with the real
// server's behaviour: nothing missed under churn once absences are confirmed,
// short pages, throttling, a hostile `next`, unstorable and huge persons,
// incremental blind spots, asynchronous splits, merges and deletes.

#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "common/iso_time.hpp"
#include "common/json/precise_parse.hpp"
#include "common/uuid.hpp"
#include "connectors/posthog/person_lookup.hpp"
#include "connectors/posthog/persons_stream.hpp"
#include "tests/support/sim_fixture.hpp"
#include "tests/support/sweep_runner.hpp"

namespace personsync::posthog {
namespace {

using connectors::absence_verdict;

using namespace std::chrono_literals;
using paging::source_failed;
using testing::sim_fixture;
using testing::sweep_outcome;

fakes::simulator_options sim_options(std::size_t persons, std::string rate_limit = "none") {
  fakes::simulator_options o;
  o.people.whop_people = 0;
  o.people.posthog_persons = persons;
  o.posthog.rate_limit = std::move(rate_limit);
  return o;
}

posthog_source_config config_for(const sim_fixture& sim, int page_size = 100, std::size_t concurrency = 1) {
  posthog_source_config cfg;
  cfg.source.name = "product";
  cfg.source.base_url = sim.base_url();
  cfg.source.token.emplace("sim-posthog-token");
  cfg.source.concurrency = concurrency;
  cfg.source.max_retries = 5;
  cfg.source.backoff = {5ms, 50ms};
  cfg.source.rate_limit = {};  // the simulator's own limits are what these tests meet
  cfg.project_id = 1;
  cfg.page_size = page_size;
  return cfg;
}

sweep_outcome sweep(const posthog_source_config& cfg, std::optional<std::string> updated_after = std::nullopt) {
  persons_stream stream(cfg, std::move(updated_after));
  return testing::run_sweep(stream, cfg.source);
}

std::map<std::string, boost::json::value> truth_of(sim_fixture& sim) {
  std::map<std::string, boost::json::value> truth;
  sim.with_sim([&](fakes::simulator& s) {
    for (const auto* p : s.posthog().live()) truth.emplace(p->uuid, boost::json::value(s.posthog().served(*p)));
  });
  return truth;
}

std::set<std::string> keys_of(const std::map<std::string, connectors::source_record>& records) {
  std::set<std::string> out;
  for (const auto& [k, v] : records) out.insert(k);
  return out;
}

void expect_equals_truth(const sweep_outcome& out, const std::map<std::string, boost::json::value>& truth) {
  ASSERT_FALSE(out.error) << "the sweep failed: " << out.failure().what();
  ASSERT_EQ(out.records.size(), truth.size());
  boost::system::error_code ec;
  for (const auto& [uuid, expected] : truth) {
    const auto it = out.records.find(uuid);
    ASSERT_NE(it, out.records.end()) << uuid << " is missing";
    EXPECT_EQ(json::parse_precise(it->second.payload, ec), expected) << uuid;
  }
}

// Sends a control command; fails the test when the simulator refuses it.
void control(sim_fixture& sim, const std::string& json) {
  const std::string error = sim.with_sim([&](fakes::simulator& s) {
    boost::system::error_code ec;
    return s.posthog().control(json::parse_precise(json, ec).as_object());
  });
  ASSERT_EQ(error, "") << json;
}

TEST(PosthogSweep, FullSweepEqualsTheTruthWalkingOrConcurrently) {
  sim_fixture sim(sim_options(1000));
  const auto truth = truth_of(sim);
  const sweep_outcome walked = sweep(config_for(sim, 100, 1));
  expect_equals_truth(walked, truth);
  EXPECT_EQ(walked.counts.requests, 11u) << "10 full pages, then the empty one `next` pointed to";
  const sweep_outcome concurrent = sweep(config_for(sim, 100, 4));
  expect_equals_truth(concurrent, truth);
  EXPECT_EQ(concurrent.counts.expected_total, 1000);
  EXPECT_FALSE(concurrent.counts.drifted);
}

TEST(PosthogSweep, TheRealListAndTheSeedsShapeLandTheSamePersons) {
  // Real by default: actors with the uuid as `id`, rows re-ordered within a page, no `count`
  // unless include_total, a stale `previous`. The seed: integer ids, index order, `count` the total.
  std::map<std::string, std::string> landed_real, landed_seed;
  for (const bool seed : {false, true}) {
    fakes::simulator_options o = sim_options(500);
    if (seed) o.posthog = fakes::seed_shape(o.posthog);
    sim_fixture sim(o);
    const auto truth = truth_of(sim);
    const sweep_outcome out = sweep(config_for(sim, 100, 2));
    expect_equals_truth(out, truth);
    EXPECT_TRUE(out.rejected.empty());
    for (const auto& [uuid, r] : out.records) {
      std::string ids;
      for (const connectors::identifier& i : r.identifiers) ids += i.kind + "=" + i.value + ";";
      (seed ? landed_seed : landed_real)[uuid] = ids;
    }
  }
  EXPECT_EQ(landed_real, landed_seed) << "the same keys with the same identifiers";
}

TEST(PosthogSweep, ShortPagesWithNextSetDoNotEndTheSweep) {
  fakes::simulator_options o = sim_options(800);
  o.posthog.ghost_share = 0.25;  // a quarter more index rows that never hydrate
  sim_fixture sim(o);
  const auto truth = truth_of(sim);
  for (const std::size_t concurrency : {std::size_t{1}, std::size_t{4}}) {
    const sweep_outcome out = sweep(config_for(sim, 50, concurrency));
    expect_equals_truth(out, truth);
    EXPECT_GT(out.counts.pages * 50, out.records.size() + 50) << "pages were short";
  }
}

TEST(PosthogSweep, UnderChurnNothingIsMissedAndNothingFalselyGoneOnceAbsencesAreConfirmed) {
  sim_fixture sim(sim_options(1500));
  const auto before = truth_of(sim);
  sim.with_sim([](fakes::simulator& s) {
    // More deletes than creates: offsets shift both ways (duplicates early, skips later).
    s.posthog().settings(boost::json::object{{"churn_every", 2}, {"churn_create", 3}, {"churn_delete", 6}});
  });
  const posthog_source_config cfg = config_for(sim, 100, 1);
  const sweep_outcome out = sweep(cfg);
  ASSERT_FALSE(out.error);
  sim.with_sim([](fakes::simulator& s) { s.posthog().settings(boost::json::object{{"churn_every", 0}}); });
  const auto after = truth_of(sim);
  EXPECT_GT(out.counts.duplicates, 0u) << "persons created during the sweep shifted offsets";

  // Persons the sweep did not return are only candidates; a retrieve decides.
  std::set<std::string> landed = keys_of(out.records);
  std::set<std::string> confirmed_gone;
  std::size_t skipped_but_there = 0;
  for (const auto& [uuid, person] : before) {
    if (landed.contains(uuid)) continue;
    missing_person missing{uuid, {}};
    for (const auto& d : person.at("distinct_ids").as_array()) missing.distinct_ids.emplace_back(d.as_string());
    const absence_verdict verdict = testing::run_with_driver<absence_verdict>(
        cfg.source, [&](paging::page_driver& driver) -> boost::asio::awaitable<absence_verdict> {
          person_lookup lookup(cfg, driver);
          co_return co_await lookup.confirm_absence(missing);
        });
    if (verdict.what == absence_verdict::kind::still_there) {
      landed.insert(uuid);
      ++skipped_but_there;
    } else {
      confirmed_gone.insert(uuid);
    }
  }
  EXPECT_GT(skipped_but_there, 0u) << "deletes during the sweep made it skip live persons";

  // Nothing missed: every person alive before and after was landed.
  // Nothing falsely gone: every person confirmed gone is gone.
  for (const auto& [uuid, person] : before) {
    if (after.contains(uuid)) {
      EXPECT_TRUE(landed.contains(uuid)) << uuid << " was missed";
    }
    if (confirmed_gone.contains(uuid)) {
      EXPECT_FALSE(after.contains(uuid)) << uuid << " is alive";
    }
  }
  // Persons created after the sweep passed them are the next sweep's: then it is exactly the truth.
  expect_equals_truth(sweep(cfg), after);
}

TEST(PosthogSweep, ThrottlingIsWaitedOutAndNoRequestPrecedesRetryAfter) {
  sim_fixture sim(sim_options(2000, "8/s"));
  const auto truth = truth_of(sim);
  // One request at a time, our own budget off: the server pushes back, and every request after a 429 was sent
  // after the client saw it (with several in flight, one sent just before could arrive just after).
  posthog_source_config cfg = config_for(sim, 100, 1);
  const sweep_outcome out = sweep(cfg);
  expect_equals_truth(out, truth);
  EXPECT_GT(out.counts.throttled, 0u);

  const auto log = sim.with_sim([](fakes::simulator& s) { return s.requests(); });
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i].status != 429) continue;
    // Retry-After is whole seconds: nothing after a 429 until it has passed (the credential is paused).
    const auto next = std::find_if(log.begin() + static_cast<std::ptrdiff_t>(i) + 1, log.end(),
                                   [&](const fakes::logged_request& r) { return r.at_ms > log[i].at_ms + 5; });
    if (next != log.end()) {
      EXPECT_GE(next->at_ms - log[i].at_ms, 999.0) << "request sent before Retry-After elapsed";
    }
  }
}

TEST(PosthogSweep, SourcesSharingAKeyShareItsBudget) {
  sim_fixture sim(sim_options(600));
  posthog_source_config a = config_for(sim, 20, 2), b = config_for(sim, 20, 2);
  a.source.name = "product-a";
  b.source.name = "product-b";
  paging::rate_limiter_registry registry;
  const std::vector<paging::rate_window> limit{{10, 1s}};
  const auto limiter = registry.for_credential(a.source.credential_id(), limit);
  ASSERT_EQ(limiter, registry.for_credential(b.source.credential_id(), limit));

  // Both sweeps at once, on one event loop, as the daemon runs them.
  boost::asio::io_context io;
  net::http_client client_a(io.get_executor(), a.source.http), client_b(io.get_executor(), b.source.http);
  paging::cancel_scope scope_a, scope_b;
  paging::page_driver driver_a(client_a, limiter, a.source.driver_options(), scope_a);
  paging::page_driver driver_b(client_b, limiter, b.source.driver_options(), scope_b);
  persons_stream stream_a(a), stream_b(b);
  const paging::page_sink discard = [](paging::page_result&&) -> boost::asio::awaitable<void> { co_return; };
  std::exception_ptr error_a, error_b;
  boost::asio::co_spawn(io, driver_a.run(stream_a, discard), [&](std::exception_ptr e) { error_a = e; });
  boost::asio::co_spawn(io, driver_b.run(stream_b, discard), [&](std::exception_ptr e) { error_b = e; });
  io.run();
  EXPECT_FALSE(error_a);
  EXPECT_FALSE(error_b);
  EXPECT_EQ(driver_a.counts().records, 600u);
  EXPECT_EQ(driver_b.counts().records, 600u);

  const auto log = sim.with_sim([](fakes::simulator& s) { return s.requests(); });
  EXPECT_EQ(log.size(), driver_a.counts().requests + driver_b.counts().requests);
  EXPECT_LE(fakes::most_requests_within(log, 1000.0 - fakes::arrival_jitter_ms), 10u)
      << "more than the shared budget in one second";
}

TEST(PosthogSweep, NextToAForeignHostIsRefusedAndTheKeyNeverSentThere) {
  sim_fixture sim(sim_options(300));
  sim.with_sim([](fakes::simulator& s) {
    s.posthog().settings(boost::json::object{{"next_origin_override", "http://127.0.0.2:9"}});
  });
  const sweep_outcome out = sweep(config_for(sim));
  const source_failed failure = out.failure();
  EXPECT_EQ(failure.why(), source_failed::reason::provider_error);
  EXPECT_NE(std::string(failure.what()).find("refusing to follow `next` to http://127.0.0.2:9"), std::string::npos)
      << failure.what();
  EXPECT_EQ(out.counts.requests, 1u);
}

TEST(PosthogSweep, UnstorableDeepAndHugePersonsLandWhole) {
  sim_fixture sim(sim_options(20));
  std::string deep = "\"bottom\"";
  for (int i = 0; i < 40; ++i) deep = "{\"level\":" + deep + "}";
  control(sim, R"({"op":"add","person":{"uuid":"00000000-0000-4000-8000-000000000001","distinct_ids":["nul-person"],)"
               R"("properties":{"name":"a\u0000b","deep":)" + deep + "}}}");
  std::string ids;
  for (int i = 0; i < 5000; ++i) ids += (i ? "," : "") + std::string("\"device-") + std::to_string(i) + "\"";
  control(sim, R"({"op":"add","person":{"uuid":"00000000-0000-4000-8000-000000000002","distinct_ids":[)" + ids + "]}}");

  const sweep_outcome out = sweep(config_for(sim, 500));
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.records.size(), 22u);
  EXPECT_EQ(out.counts.replaced_characters, 1u);
  const auto& nul = out.records.at("00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(nul.attributes.at("properties").at("name").as_string(), "a\xEF\xBF\xBD" "b");
  const boost::json::value* level = &nul.attributes.at("properties").at("deep");
  for (int i = 0; i < 40; ++i) level = &level->at("level");
  EXPECT_EQ(level->as_string(), "bottom") << "40 levels deep, whole";
  EXPECT_EQ(out.records.at("00000000-0000-4000-8000-000000000002").identifiers.size(), 5000u);
}

TEST(PosthogSweep, IncrementalSeesPropertyChangesButNotDistinctIdOnlyChanges) {
  sim_fixture sim(sim_options(200));
  const auto persons = truth_of(sim);
  auto it = persons.begin();
  const std::string updated = it->first, older = (++it)->first, newer = (++it)->first;
  const std::string since = iso_seconds(std::chrono::system_clock::now() - std::chrono::seconds(1));
  std::this_thread::sleep_for(1100ms);
  control(sim, R"({"op":"update","uuid":")" + updated + R"(","properties":{"plan":"enterprise"}})");
  control(sim, R"({"op":"merge","a":")" + older + R"(","b":")" + newer + R"("})");

  const sweep_outcome out = sweep(config_for(sim), since);
  ASSERT_FALSE(out.error);
  EXPECT_TRUE(out.records.contains(updated));
  EXPECT_EQ(out.records.at(updated).attributes.at("properties").at("plan").as_string(), "enterprise");
  EXPECT_EQ(out.records.size(), 1u) << "the merge moved distinct ids only: updated_after does not show it";
}

TEST(PosthogLookup, RetrieveAndConfirmations) {
  sim_fixture sim(sim_options(50));
  const auto persons = truth_of(sim);
  auto it = persons.begin();
  const boost::json::value present = it->second, deleted = (++it)->second, a = (++it)->second, b = (++it)->second;
  control(sim, R"({"op":"delete","uuid":")" + std::string(deleted.at("uuid").as_string()) + R"("})");
  control(sim, R"({"op":"merge","a":")" + std::string(a.at("uuid").as_string()) + R"(","b":")" +
                   std::string(b.at("uuid").as_string()) + R"("})");
  const auto survivor = truth_of(sim).contains(std::string(a.at("uuid").as_string())) ? a : b;
  const auto merged_away = survivor == a ? b : a;

  const posthog_source_config cfg = config_for(sim);
  const auto confirm = [&](const boost::json::value& p) {
    missing_person m{std::string(p.at("uuid").as_string()), {}};
    for (const auto& d : p.at("distinct_ids").as_array()) m.distinct_ids.emplace_back(d.as_string());
    return testing::run_with_driver<absence_verdict>(cfg.source, [&](paging::page_driver& d) -> boost::asio::awaitable<absence_verdict> {
      person_lookup lookup(cfg, d);
      co_return co_await lookup.confirm_absence(m);
    });
  };
  const absence_verdict there = confirm(present);
  EXPECT_EQ(there.what, absence_verdict::kind::still_there);
  EXPECT_EQ(there.record->source_key, present.at("uuid").as_string());
  EXPECT_EQ(confirm(deleted).what, absence_verdict::kind::gone);
  const absence_verdict merged = confirm(merged_away);
  ASSERT_EQ(merged.what, absence_verdict::kind::merged);
  EXPECT_EQ(merged.record->source_key, survivor.at("uuid").as_string()) << "the older person absorbed the newer";
}

TEST(PosthogSimulator, SplitAnswers201AndAppliesLaterWithUuid5Ids) {
  sim_fixture sim(sim_options(30));
  std::string uuid;
  for (const auto& [u, p] : truth_of(sim)) {
    if (p.at("distinct_ids").as_array().size() >= 2) {
      uuid = u;
      break;
    }
  }
  ASSERT_FALSE(uuid.empty());
  const auto before = truth_of(sim).at(uuid).at("distinct_ids").as_array();
  boost::asio::io_context io;
  net::http_client client(io.get_executor(), {});
  const secret token("sim-posthog-token");
  net::http_request split{"POST", sim.base_url() + "/api/projects/1/persons/" + uuid + "/split/", {}, "{}"};
  split.bearer = &token;
  net::http_request list{"GET", sim.base_url() + "/api/projects/1/persons/?limit=1"};
  list.bearer = &token;
  std::vector<int> statuses;
  std::size_t persons_right_after = 0;
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    statuses.push_back((co_await client.send(split)).status);
    persons_right_after = sim.with_sim([](fakes::simulator& s) { return s.posthog().live().size(); });
    for (int i = 0; i < 3; ++i) statuses.push_back((co_await client.send(list)).status);
  }, boost::asio::detached);
  io.run();
  EXPECT_EQ(statuses, (std::vector<int>{201, 200, 200, 200}));
  EXPECT_EQ(persons_right_after, 30u) << "the split runs in the background";
  const auto after = truth_of(sim);
  EXPECT_EQ(after.size(), 30 + before.size() - 1);
  EXPECT_EQ(after.at(uuid).at("distinct_ids").as_array().size(), 1u);
  const std::string off = uuid5("932979b4-65c3-4424-8467-0b66ec27bc22", "1:" + std::string(before[1].as_string()));
  ASSERT_TRUE(after.contains(off));
  EXPECT_TRUE(after.at(off).at("properties").as_object().empty());
}

TEST(PosthogErrors, BadKeyWrongProjectUnknownPerson) {
  sim_fixture sim(sim_options(10));
  posthog_source_config cfg = config_for(sim);
  cfg.source.token.emplace("phx_wrong");
  const source_failed bad_key = sweep(cfg).failure();
  EXPECT_EQ(bad_key.status(), 401);
  EXPECT_EQ(std::string(bad_key.what()),
            "HTTP 401: authentication_error (authentication_failed): Personal API key found in request is invalid.");
  cfg = config_for(sim);
  cfg.project_id = 2;
  const source_failed other_project = sweep(cfg).failure();
  EXPECT_EQ(other_project.status(), 403);
  EXPECT_NE(std::string(other_project.what()).find("permission_denied"), std::string::npos);
  cfg = config_for(sim);
  const auto missing = testing::run_with_driver<std::optional<connectors::source_record>>(
      cfg.source, [&](paging::page_driver& d) -> boost::asio::awaitable<std::optional<connectors::source_record>> {
        person_lookup lookup(cfg, d);
        co_return co_await lookup.retrieve("999999");
      });
  EXPECT_FALSE(missing.has_value());
}

}  // namespace
}  // namespace personsync::posthog
