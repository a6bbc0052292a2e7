#pragma once
// A PostgreSQL cluster of one test's or benchmark's own (scripts/lib/pg_cluster),
// for what would disturb the shared one: restarting it, timing it.

#include <filesystem>
#include <map>
#include <string>

#include "tests/support/subprocess.hpp"

namespace personsync::testing {

class private_cluster {
 public:
  private_cluster();
  ~private_cluster();
  private_cluster(const private_cluster&) = delete;
  private_cluster& operator=(const private_cluster&) = delete;

  // PGTEST_DIR, PGTEST_PORT, PGTEST_PASSWORD_FILE, PGTEST_BIN, …
  [[nodiscard]] std::string value(const std::string& key) const { return values_.at(key); }
  [[nodiscard]] std::string password() const;
  // libpq conninfo for `database`, without the password.
  [[nodiscard]] std::string conninfo(const std::string& database = "postgres") const;
  void restart() const;
  void stop_server() const;   // the cluster stays; start_server() brings it back
  void start_server() const;
  // Stopped the way a crash stops it (no checkpoint, unlogged tables reset on recovery), then started.
  void crash_and_restart() const;

 private:
  void pg_ctl(const std::string& action, const std::string& mode = "fast") const;
  temp_dir dir_;
  std::filesystem::path env_file_;
  std::map<std::string, std::string> values_;
};

}  // namespace personsync::testing
