// The Whop connector over real HTTP on loopback against the simulator: a full
// walk equals the ground truth; every fault kind is survived with the same
// result; 4xx fails fast with the provider's message; cancellation is prompt;
// keep-alive reuse and reopening; TLS verification.

#include <map>
#include <tuple>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "common/iso_time.hpp"
#include "common/json/precise_parse.hpp"
#include "connectors/paging/page_driver.hpp"
#include "connectors/whop/whop_stream.hpp"
#include "tests/support/sim_fixture.hpp"
#include "tests/support/sweep_runner.hpp"
#include "tests/support/tls_certs.hpp"

namespace personsync::whop {
namespace {

using namespace std::chrono_literals;
using paging::source_failed;
using testing::sim_fixture;

using testing::sweep_outcome;

whop_source_config config_for(const sim_fixture& sim) {
  whop_source_config cfg;
  cfg.source.name = "store";
  cfg.source.base_url = sim.base_url() + "/api/v1";
  cfg.source.token.emplace("sim-whop-token");
  cfg.source.concurrency = 4;
  cfg.source.max_retries = 5;
  cfg.source.backoff = {5ms, 50ms};
  cfg.source.http.request_timeout = 2s;
  cfg.source.rate_limit = {};  // the simulator's own limits are what these tests meet
  cfg.account_id = "biz_sim";
  return cfg;
}

sweep_outcome sweep(const whop_source_config& cfg, std::optional<time_window> window = std::nullopt,
                    std::optional<std::chrono::milliseconds> cancel_after = std::nullopt,
                    std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
  people_stream stream(cfg, window ? whop_sweep{sweep_kind::incremental, *window} : whop_sweep{sweep_kind::full, full_sweep_window(cfg, now)},
                       now);
  return testing::run_sweep(stream, cfg.source, {.limiter = nullptr, .cancel_after = cancel_after});
}

std::map<std::string, boost::json::value> truth_of(sim_fixture& sim) {
  std::map<std::string, boost::json::value> truth;
  sim.with_sim([&](fakes::simulator& s) {
    for (const auto& p : s.whop().people()) truth.emplace(p.person_id, boost::json::value(s.whop().served(p)));
  });
  return truth;
}

void expect_equals_truth(const sweep_outcome& out, const std::map<std::string, boost::json::value>& truth) {
  ASSERT_FALSE(out.error) << "the sweep failed";
  ASSERT_EQ(out.records.size(), truth.size());
  for (const auto& [id, expected] : truth) {
    const auto it = out.records.find(id);
    ASSERT_NE(it, out.records.end()) << id << " is missing";
    boost::system::error_code ec;
    EXPECT_EQ(json::parse_precise(it->second.payload, ec), expected) << id;
  }
  EXPECT_TRUE(out.rejected.empty());
}

fakes::simulator_options sim_options(std::size_t people = 1000) {
  fakes::simulator_options o;
  o.people.whop_people = people;
  return o;
}

void serve_api(sim_fixture& sim, const char* api) {
  sim.with_sim([&](fakes::simulator& s) { ASSERT_EQ(s.whop().settings({{"api", api}}), ""); });
}

TEST(WhopSweep, FullWalkEqualsTheGroundTruthInEitherApi) {
  for (const auto& [shape, api] : {std::pair{"offset", people_api::offset}, std::pair{"cursor", people_api::cursor}}) {
    SCOPED_TRACE(shape);
    sim_fixture sim(sim_options(1000));
    serve_api(sim, shape);
    const auto truth = truth_of(sim);
    for (const people_api configured : {api, people_api::detect}) {
      whop_source_config cfg = config_for(sim);
      cfg.api = configured;
      const sweep_outcome out = sweep(cfg);
      expect_equals_truth(out, truth);
      EXPECT_EQ(out.counts.shortfall, 0u);
      EXPECT_LE(out.connections, 4u) << "kept-alive connections are reused";
      if (configured == people_api::offset) {
        EXPECT_EQ(out.counts.requests, 11u) << "1000 people at 100 a page, no retry, and the empty page that ends it";
        EXPECT_EQ(out.counts.expected_total, 1000);
      } else {
        // Four first-seen ranges of about 250 people, three pages each; detection costs one probe.
        EXPECT_LE(out.counts.requests, configured == people_api::detect ? 17u : 16u);
      }
    }
  }
}

// The cursor API's full sweep walks first-seen ranges side by side; Whop's `first_seen_after` keeps
// times at or after it and `first_seen_before` times before it, so a person first seen on a boundary
// is in exactly one range.
TEST(WhopSweep, PeopleFirstSeenOnARangeBoundaryAreReadOnce) {
  sim_fixture sim(sim_options(200));
  whop_source_config cfg = config_for(sim);
  cfg.api = people_api::cursor;
  const auto now = std::chrono::system_clock::from_time_t(unix_seconds(std::chrono::system_clock::now()));
  const std::int64_t end = unix_seconds(now), span = std::chrono::duration_cast<std::chrono::seconds>(cfg.full_sweep_window).count();
  const auto n = static_cast<std::int64_t>(cfg.source.concurrency);
  sim.with_sim([&](fakes::simulator& s) {
    for (std::int64_t k = 0; k < n; ++k) {
      const std::string id = "user_boundary" + std::to_string(k);
      const std::int64_t at = end - span + span * k / n;
      ASSERT_EQ(s.whop().control({{"op", "add"}, {"person", {{"id", id}, {"first_seen_at", at}, {"last_seen_at", at}}}}), "");
    }
  });
  const sweep_outcome out = sweep(cfg, std::nullopt, std::nullopt, now);
  expect_equals_truth(out, truth_of(sim));
  EXPECT_EQ(out.counts.duplicates, 0u);
}

// Offsets sent to a cursor server are ignored (each answer is its first page): a sweep in
// the wrong API would never end. It fails at its first page, naming the setting.
TEST(WhopSweep, AnApiThatIsNotTheServersFailsAtOnceNamingTheSetting) {
  for (const auto& [shape, configured, advice] :
       {std::tuple{"cursor", people_api::offset, "set `api = \"cursor\"`"},
        std::tuple{"offset", people_api::cursor, "set `api = \"offset\"`"}}) {
    SCOPED_TRACE(shape);
    sim_fixture sim(sim_options(1000));
    serve_api(sim, shape);
    whop_source_config cfg = config_for(sim);
    cfg.api = configured;
    cfg.source.concurrency = 1;
    const sweep_outcome out = sweep(cfg);
    const source_failed failure = out.failure();
    EXPECT_EQ(failure.why(), source_failed::reason::provider_error);
    EXPECT_NE(std::string(failure.what()).find(advice), std::string::npos) << failure.what();
    EXPECT_EQ(out.counts.requests, 1u) << "not retried";
  }
}

TEST(WhopSweep, AdversarialValuesArriveIntact) {
  sim_fixture sim(sim_options(3000));
  const auto truth = truth_of(sim);
  const sweep_outcome out = sweep(config_for(sim));
  expect_equals_truth(out, truth);
  bool hostile = false, long_name = false, padded_email = false;
  for (const auto& [id, r] : out.records) {
    const auto& name = r.attributes.at("name");
    if (name.is_string() && name.get_string().find("DROP TABLE") != boost::json::string::npos) hostile = true;
    if (name.is_string() && name.get_string().size() >= 10 * 1024) long_name = true;
    const auto& email = r.attributes.at("email");
    if (email.is_string() && email.get_string().starts_with(" ")) padded_email = true;
  }
  EXPECT_TRUE(hostile && long_name && padded_email) << "the generator's adversarial values were all exercised";
}

struct fault_case {
  const char* kind;
  const char* extra;
};

class WhopFaults : public ::testing::TestWithParam<fault_case> {};

TEST_P(WhopFaults, AreSurvivedWithTheSameFinalResult) {
  sim_fixture sim(sim_options(500));
  const auto truth = truth_of(sim);
  std::string error;
  const auto rule = fakes::parse_fault_rule(
      boost::json::parse(std::string(R"({"kind":")") + GetParam().kind + R"(","count":3)" + GetParam().extra + "}")
          .as_object(),
      error);
  ASSERT_TRUE(rule) << error;
  sim.with_sim([&](fakes::simulator& s) { s.faults().add(*rule); });

  whop_source_config cfg = config_for(sim);
  cfg.source.http.request_timeout = 300ms;
  const sweep_outcome out = sweep(cfg);
  expect_equals_truth(out, truth);
  EXPECT_GE(out.counts.retries + out.counts.throttled, 3u) << "each injected fault cost a retry";
}

INSTANTIATE_TEST_SUITE_P(EveryKind, WhopFaults,
                         ::testing::Values(fault_case{"status_429", R"(,"retry_after":1)"}, fault_case{"status_500", ""},
                                           fault_case{"status_502", ""}, fault_case{"status_503", ""},
                                           fault_case{"slow", R"(,"delay_ms":1000)"}, fault_case{"close_mid_body", ""},
                                           fault_case{"malformed_json", ""}, fault_case{"wrong_types", ""}),
                         [](const auto& info) { return std::string(info.param.kind); });

TEST(WhopSweep, NoRequestIsSentBeforeRetryAfterHasElapsed) {
  sim_fixture sim(sim_options(300));
  sim.with_sim([](fakes::simulator& s) { s.faults().add({fakes::fault_kind::status_429, 1, 0.0, 2}); });
  whop_source_config cfg = config_for(sim);
  cfg.source.concurrency = 1;
  const sweep_outcome out = sweep(cfg);
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.counts.throttled, 1u);
  EXPECT_EQ(out.counts.retry_after_wait, 2s);
  const auto log = sim.with_sim([](fakes::simulator& s) { return s.requests(); });
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[0].status, 429);
  EXPECT_GE(log[1].at_ms - log[0].at_ms, 2000.0) << "the next request waited out Retry-After";
}

TEST(WhopSweep, UnauthorizedFailsAtOnceWithTheProvidersMessageAndNoToken) {
  sim_fixture sim(sim_options(100));
  whop_source_config cfg = config_for(sim);
  cfg.source.token.emplace("wrong-token-value");
  const sweep_outcome out = sweep(cfg);
  const source_failed failure = out.failure();
  EXPECT_EQ(failure.why(), source_failed::reason::provider_error);
  EXPECT_EQ(failure.status(), 401);
  EXPECT_EQ(std::string(failure.what()), "HTTP 401: unauthorized: The API key is missing or invalid.");
  EXPECT_EQ(out.counts.requests, 1u) << "not retried";
}

TEST(WhopSweep, BadParameterFailsAtOnce) {
  sim_fixture sim(sim_options(100));
  serve_api(sim, "offset");  // `sort` is the offset API's: the cursor API's incremental order is fixed
  whop_source_config cfg = config_for(sim);
  cfg.sort = "shoe_size";  // sent by incremental runs: full sweeps read by first_seen_at
  const auto now = std::chrono::system_clock::now();
  const source_failed failure = sweep(cfg, incremental_window(cfg, unix_seconds(now) - 3600, now)).failure();
  EXPECT_EQ(failure.status(), 400);
  EXPECT_NE(std::string(failure.what()).find("invalid_request_error: sort must be one of"), std::string::npos);
}

TEST(WhopSweep, ExhaustedRetriesFailTheSourceWithTheLastError) {
  sim_fixture sim(sim_options(100));
  sim.with_sim([](fakes::simulator& s) { s.faults().add({fakes::fault_kind::status_503, 0, 1.0}); });
  whop_source_config cfg = config_for(sim);
  cfg.source.max_retries = 2;
  const sweep_outcome out = sweep(cfg);
  const source_failed failure = out.failure();
  EXPECT_EQ(failure.why(), source_failed::reason::retries_exhausted);
  EXPECT_EQ(std::string(failure.what()), "giving up after 3 tries; last: HTTP 503");
  EXPECT_EQ(out.counts.requests, 3u);
}

TEST(WhopSweep, CancellationAbortsInFlightRequestsPromptly) {
  sim_fixture sim(sim_options(100));
  sim.with_sim([](fakes::simulator& s) { s.set_latency(10s); });
  whop_source_config cfg = config_for(sim);
  cfg.source.http.request_timeout = 30s;
  const sweep_outcome out = sweep(cfg, std::nullopt, 100ms);
  EXPECT_LT(out.took, 1s) << "the request in flight (10 s of latency) was aborted";
  EXPECT_EQ(out.failure().why(), source_failed::reason::cancelled);
}

TEST(WhopSweep, CancellationAlsoEndsABackoffSleep) {
  sim_fixture sim(sim_options(100));
  sim.with_sim([](fakes::simulator& s) { s.faults().add({fakes::fault_kind::status_503, 0, 1.0}); });
  whop_source_config cfg = config_for(sim);
  cfg.source.backoff = {10s, 10s};
  const sweep_outcome out = sweep(cfg, std::nullopt, 200ms);
  EXPECT_LT(out.took, 1500ms);
  EXPECT_EQ(out.failure().why(), source_failed::reason::cancelled);
}

TEST(WhopSweep, DataChangedBetweenSyncsThroughTheControlEndpointIsSeen) {
  sim_fixture sim(sim_options(200));
  const fakes::whop_person person = sim.with_sim([](fakes::simulator& s) { return s.whop().people()[7]; });
  const std::string& id = person.id;  // what the control endpoint takes
  const std::string& key = person.person_id;  // what the record is keyed by
  // Over HTTP, as the demo and benchmarks drive it.
  boost::asio::io_context io;
  net::http_client client(io.get_executor(), {});
  net::http_response reply;
  const net::http_request change{"POST", sim.base_url() + "/_control/whop/people", {},
                                 R"({"op":"change_email","id":")" + id + R"(","email":"new@example.com"})"};
  // A named request: GCC 12 destroys a braced temporary inside co_await twice.
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> { reply = co_await client.send(change); },
                        boost::asio::detached);
  io.run();
  ASSERT_EQ(reply.status, 200) << reply.body;

  const sweep_outcome out = sweep(config_for(sim));
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.records.at(key).attributes.at("email").as_string(), "new@example.com");
  EXPECT_NE(std::find(out.records.at(key).identifiers.begin(), out.records.at(key).identifiers.end(),
                      connectors::identifier{"email", "new@example.com"}),
            out.records.at(key).identifiers.end());
}

TEST(WhopSweep, IncrementalWindowAsksForRecentActivityOnly) {
  sim_fixture sim(sim_options(500));
  const whop_source_config cfg = config_for(sim);
  const auto now = std::chrono::system_clock::now();
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const time_window window = incremental_window(cfg, now_s - 7 * 86400, now);
  std::size_t expected = 0;
  sim.with_sim([&](fakes::simulator& s) {
    for (const auto& p : s.whop().people()) expected += p.last_seen_at >= window.from && p.last_seen_at <= window.to;
  });
  const sweep_outcome out = sweep(cfg, window);
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.records.size(), expected);
  EXPECT_LT(expected, 500u);
  for (const auto& [id, r] : out.records) EXPECT_GE(r.attributes.at("last_seen_at").as_int64(), window.from);
}

TEST(HttpClient, ReopensAKeptAliveConnectionTheServerClosed) {
  sim_fixture sim(sim_options(10));
  boost::asio::io_context io;
  net::http_client client(io.get_executor(), {});
  std::vector<int> statuses;
  net::http_request request{"GET", sim.base_url() + "/_control/requests"};
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    statuses.push_back((co_await client.send(request)).status);
    sim.close_connections();
    std::this_thread::sleep_for(100ms);  // let the server's close arrive
    statuses.push_back((co_await client.send(request)).status);
  }, boost::asio::detached);
  io.run();
  EXPECT_EQ(statuses, (std::vector<int>{200, 200}));
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST(HttpClient, BodyLargerThanTheLimitIsAnErrorNotARetry) {
  sim_fixture sim(sim_options(500));
  whop_source_config cfg = config_for(sim);
  cfg.source.http.body_limit = 4096;
  const sweep_outcome out = sweep(cfg);
  EXPECT_EQ(out.failure().why(), source_failed::reason::unreachable);
  EXPECT_EQ(out.counts.requests, 1u);
}

TEST(HttpClient, RefusesPlainHttpToANonLoopbackHost) {
  boost::asio::io_context io;
  net::http_client client(io.get_executor(), {});
  std::exception_ptr error;
  boost::asio::co_spawn(io, client.send({"GET", "http://api.example.invalid/people"}),
                        [&](std::exception_ptr e, net::http_response) { error = e; });
  io.run();
  ASSERT_TRUE(error);
  try {
    std::rethrow_exception(error);
  } catch (const net::transport_error& e) {
    EXPECT_EQ(e.what_kind(), net::transport_error::kind::refused);
  }
}

// TLS against a local server whose certificate names "localhost" only.
class Tls : public ::testing::Test {
 protected:
  testing::test_certificates certs;
  sim_fixture sim{sim_options(10), fakes::tls_files{certs.server_cert, certs.server_key}};

  std::variant<int, net::transport_error> get(const std::string& host, bool trust_ca) { return get(sim, host, trust_ca); }

  std::variant<int, net::transport_error> get(sim_fixture& server, const std::string& host, bool trust_ca) {
    boost::asio::io_context io;
    net::client_options options;
    if (trust_ca) options.ca_file = certs.ca;
    net::http_client client(io.get_executor(), options);
    std::variant<int, net::transport_error> result = 0;
    boost::asio::co_spawn(io, client.send({"GET", "https://" + host + ":" + std::to_string(server.port()) + "/_control/requests"}),
                          [&](std::exception_ptr e, net::http_response r) {
                            if (!e) {
                              result = r.status;
                              return;
                            }
                            try {
                              std::rethrow_exception(e);
                            } catch (const net::transport_error& t) {
                              result = t;
                            }
                          });
    io.run();
    return result;
  }
};

TEST_F(Tls, SucceedsWithItsCaConfigured) {
  const auto r = get("localhost", true);
  ASSERT_TRUE(std::holds_alternative<int>(r)) << std::get<net::transport_error>(r).what();
  EXPECT_EQ(std::get<int>(r), 200);
}

TEST_F(Tls, FailsWithoutTheCa) {
  const auto r = get("localhost", false);
  ASSERT_TRUE(std::holds_alternative<net::transport_error>(r));
  EXPECT_EQ(std::get<net::transport_error>(r).what_kind(), net::transport_error::kind::tls);
  const std::string message = std::get<net::transport_error>(r).what();
  EXPECT_NE(message.find("unable to get local issuer certificate"), std::string::npos) << message;
}

TEST_F(Tls, FailsOnAnExpiredCertificateSayingSo) {
  sim_fixture expired{sim_options(10), fakes::tls_files{certs.expired_cert, certs.server_key}};
  const auto r = get(expired, "localhost", true);
  ASSERT_TRUE(std::holds_alternative<net::transport_error>(r));
  EXPECT_EQ(std::get<net::transport_error>(r).what_kind(), net::transport_error::kind::tls);
  const std::string message = std::get<net::transport_error>(r).what();
  EXPECT_NE(message.find("certificate has expired"), std::string::npos) << message;
}

TEST_F(Tls, FailsOnAHostNameMismatch) {
  const auto r = get("127.0.0.1", true);
  ASSERT_TRUE(std::holds_alternative<net::transport_error>(r));
  EXPECT_EQ(std::get<net::transport_error>(r).what_kind(), net::transport_error::kind::tls);
  const std::string message = std::get<net::transport_error>(r).what();
  EXPECT_NE(message.find("TLS handshake"), std::string::npos) << message;
  EXPECT_NE(message.find("the certificate is not for 127.0.0.1 (host name mismatch)"), std::string::npos) << message;
}

}  // namespace
}  // namespace personsync::whop
