#pragma once
// personsync deployed for an end-to-end test: a config file pointing at a
// scratch database and an in-process simulator, the schema migrated, and the
// binary run as a subprocess with the simulator's tokens in its environment.

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tests/support/sim_fixture.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/test_cluster.hpp"

namespace personsync::testing {

inline fakes::simulator_options sim_options(std::size_t whop = 800, std::size_t posthog = 600) {
  fakes::simulator_options o;
  o.people.whop_people = whop;
  o.people.posthog_persons = posthog;
  o.posthog.rate_limit = "none";
  return o;
}

// The same with Whop serving `api`: "cursor" (the real server's, the default) or "offset" (the seed's).
inline fakes::simulator_options sim_options_serving(const std::string& api, std::size_t whop, std::size_t posthog) {
  fakes::simulator_options o = sim_options(whop, posthog);
  o.whop.api = api;
  return o;
}

struct sync_deployment {
  temp_dir dir;
  std::filesystem::path config;

  sync_deployment(const scratch_database& db, const sim_fixture& sim, const std::string& extra_posthog = "",
                  const std::string& extra_sections = "")
      : sync_deployment(db.conninfo(), test_cluster::get().password(), sim, extra_posthog, extra_sections) {}

  // On a database of another cluster (a private_cluster).
  sync_deployment(const std::string& conninfo, const std::string& password, const sim_fixture& sim,
                  const std::string& extra_posthog = "", const std::string& extra_sections = "") {
    dir.write("db_password", password, 0600);
    config = dir.write("personsync.toml",
                       "[database]\nconninfo = \"" + conninfo + "\"\npassword_file = \"db_password\"\n"
                       "[log]\nlevel = \"warn\"\n"
                       "[[whop]]\nname = \"store\"\ntoken_env = \"SYNC_TEST_WHOP\"\naccount_id = \"biz_sim\"\n"
                       "base_url = \"" + sim.base_url() + "/api/v1\"\nretry_base_delay = \"5ms\"\n"
                       "[[posthog]]\nname = \"product\"\ntoken_env = \"SYNC_TEST_POSTHOG\"\nproject_id = 1\n"
                       "base_url = \"" + sim.base_url() + "\"\nrate_limit = \"none\"\npage_size = 100\n"
                       "retry_base_delay = \"5ms\"\n" + extra_posthog + extra_sections);
    const process_result migrated = run({"migrate"});
    EXPECT_EQ(migrated.exit_code, 0) << migrated.err;
  }

  // Adds a `[database]` key to the config ("lock_timeout = \"1s\"").
  void add_database_setting(const std::string& line) const { add_line_after("[database]\n", line); }
  // Adds a key to the Whop source "store" (both sources take keys the PostHog one takes by `extra_posthog`).
  void add_whop_setting(const std::string& line) const { add_line_after("name = \"store\"\n", line); }


  [[nodiscard]] std::vector<std::string> argv(std::vector<std::string> args) const {
    std::vector<std::string> out{personsync_binary().string()};
    out.insert(out.end(), args.begin(), args.end());
    out.insert(out.end(), {"--config", config.string()});
    return out;
  }
  [[nodiscard]] process_options env() const {
    return {.env = {{"SYNC_TEST_WHOP", "sim-whop-token"}, {"SYNC_TEST_POSTHOG", "sim-posthog-token"}}};
  }
  [[nodiscard]] process_result run(std::vector<std::string> args) const {
    return run_process(argv(std::move(args)), env());
  }

  // The per-source summary of `sync --json`, by source name (its exit code is checked here).
  std::map<std::string, boost::json::object> sync(std::vector<std::string> extra = {},
                                                                int expected_exit = 0) const {
    std::vector<std::string> args{"sync", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const process_result r = run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    std::map<std::string, boost::json::object> out;
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(r.out, ec);
    if (ec) {
      ADD_FAILURE() << "not JSON: " << r.out << r.err;
      return out;
    }
    for (const auto& s : parsed.at("sources").as_array()) out[std::string(s.at("source").as_string())] = s.as_object();
    return out;
  }

 private:
  void add_line_after(const std::string& anchor, const std::string& line) const {
    std::ifstream in(config);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.insert(text.find(anchor) + anchor.size(), line + "\n");
    dir.write("personsync.toml", text);
  }
};

}  // namespace personsync::testing
