#pragma once
// The throwaway PostgreSQL cluster that ctest's `postgres` fixture started
// (scripts/lib/pg_cluster), and scratch databases on it: each test gets a
// database of its own, so tests run in parallel without seeing each other.

#include <filesystem>
#include <memory>
#include <string>

#include <soci/soci.h>

#include "daemon/store/database_config.hpp"

namespace personsync::testing {

struct test_cluster {
  std::string host;
  int port = 0;
  std::string user;
  std::filesystem::path password_file;
  std::filesystem::path bin_dir;

  // Reads the env file that the postgres fixture wrote; throws when it is absent.
  static const test_cluster& get();

  [[nodiscard]] std::string password() const;
  // A libpq string for `database`, with the password (for the tests' own sessions).
  [[nodiscard]] std::string admin_conninfo(const std::string& database = "postgres") const;
};

class scratch_database {
 public:
  scratch_database();  // CREATE DATABASE with a unique name
  ~scratch_database(); // DROP DATABASE … WITH (FORCE)
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // conninfo without the password, as a config file would have it.
  [[nodiscard]] std::string conninfo() const;
  // A database_config as personsync would load it, password included.
  [[nodiscard]] store::database_config config(const std::string& schema = "personsync") const;
  // A session of the tests' own, outside personsync's code.
  [[nodiscard]] std::unique_ptr<soci::session> session() const;
  // The one integer a query such as "SELECT count(*) …" answers, on a session of its own; -1 when it answers no row.
  [[nodiscard]] long long count(const std::string& sql) const;

 private:
  std::string name_;
};

}  // namespace personsync::testing
