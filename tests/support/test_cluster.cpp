#include "tests/support/test_cluster.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>

#include "common/secret.hpp"

namespace personsync::testing {

const test_cluster& test_cluster::get() {
  static const test_cluster cluster = [] {
    const char* from_env = std::getenv("PERSONSYNC_PGTEST_ENV");
    const std::string env_file = from_env ? from_env : PERSONSYNC_DEFAULT_PGTEST_ENV;
    std::ifstream in(env_file);
    if (!in) throw std::runtime_error(fmt::format("cannot read {}: did the postgres fixture start?", env_file));
    std::map<std::string, std::string> values;
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    test_cluster c;
    c.host = values.at("PGTEST_HOST");
    c.port = std::stoi(values.at("PGTEST_PORT"));
    c.user = values.at("PGTEST_USER");
    c.password_file = values.at("PGTEST_PASSWORD_FILE");
    c.bin_dir = values.at("PGTEST_BIN");
    return c;
  }();
  return cluster;
}

std::string test_cluster::password() const {
  std::ifstream in(password_file);
  std::string pw;
  std::getline(in, pw);
  return pw;
}

std::string test_cluster::admin_conninfo(const std::string& database) const {
  return fmt::format("host={} port={} user={} dbname={} password={}", host, port, user, database, password());
}

scratch_database::scratch_database() {
  static std::atomic<int> counter{0};
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  name_ = fmt::format("t_{}_{}_{}", ::getpid(), counter++, stamp % 1'000'000);
  soci::session admin(soci::postgresql, test_cluster::get().admin_conninfo());
  admin << "CREATE DATABASE " + name_;
}

scratch_database::~scratch_database() {
  try {
    soci::session admin(soci::postgresql, test_cluster::get().admin_conninfo());
    admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
  } catch (...) {
    // The cluster goes away at the end of the run anyway.
  }
}

std::string scratch_database::conninfo() const {
  const test_cluster& c = test_cluster::get();
  return fmt::format("host={} port={} user={} dbname={}", c.host, c.port, c.user, name_);
}

store::database_config scratch_database::config(const std::string& schema) const {
  store::database_config cfg;
  cfg.conninfo = conninfo();
  cfg.password.emplace(test_cluster::get().password());
  cfg.schema = schema;
  return cfg;
}

std::unique_ptr<soci::session> scratch_database::session() const {
  return std::make_unique<soci::session>(soci::postgresql, test_cluster::get().admin_conninfo(name_));
}

long long scratch_database::count(const std::string& sql) const {
  long long n = -1;
  const auto s = session();
  *s << sql, soci::into(n);
  return n;
}

}  // namespace personsync::testing
