#pragma once
// The [database] section: where PostgreSQL is and which schema personsync owns.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/config/key_table.hpp"
#include "common/config/section.hpp"
#include "common/secret.hpp"

namespace personsync::store {

struct database_config {
  std::string conninfo = "dbname=personsync";  // libpq keyword/value string or URI, never with a password
  std::optional<secret> password;      // password_file / password_env
  std::string schema = "personsync";
  int pool_size = 4;  // not used yet: see its help
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds statement_timeout{3'600'000};  // set on every session
  std::chrono::milliseconds lock_timeout{30'000};          // set on every session
  std::chrono::milliseconds tcp_user_timeout{60'000};      // with keepalives, in the connection string
  // Not a config key: what the sessions call themselves in pg_stat_activity (a replica of
  // `personsync run` gives its name here, so that a DBA and a lock error can tell replicas apart).
  std::string application_name = "personsync";

  static const config::key_table<database_config>& table();
  static std::span<const config::key_spec> config_keys() { return table().specs(); }
  static database_config from_config(const config::section& s);
};

// The string handed to libpq: conninfo plus password, connect timeout, keepalives,
// tcp_user_timeout and application name, always as a URI. It holds the password, so it is built at the moment
// of connecting and never stored or logged.
std::string libpq_connection_string(const database_config& cfg);

// Why libpq cannot read a keyword/value conninfo (an unknown keyword, an unclosed quote), if it cannot.
std::optional<std::string> conninfo_problem(std::string_view conninfo);

// True when a schema name is safe to splice into SQL unquoted.
bool is_valid_schema_name(std::string_view name);

}  // namespace personsync::store
