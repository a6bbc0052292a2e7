#pragma once
// One row of a component's config table, in the manner of PgBouncer's: each key
// is declared once, with its type, default, bounds, whether a reload may change
// it, and the help text that config/personsync.example.toml repeats.

#include <limits>
#include <span>
#include <string_view>

namespace personsync::config {

enum class value_kind {
  string,
  integer,
  number,       // integer or float
  boolean,
  duration,     // "250ms", "30s", "15m", "6h", "7d"
  string_list,
  table,        // a sub-table the component reads with its own keys
  table_list,   // an array of tables, likewise
  credential,   // never inline: `<name>_file` or `<name>_env`
};

enum class reload { allowed, needs_restart };

inline constexpr double unbounded = std::numeric_limits<double>::infinity();

struct key_spec {
  std::string_view name;
  value_kind kind;
  std::string_view default_value = {};  // as it reads in TOML, unquoted; empty: none
  bool required = false;
  reload on_reload = reload::allowed;
  double min = -unbounded;  // integer and number: the value; duration: seconds
  double max = unbounded;
  std::span<const std::string_view> one_of = {};
  std::string_view help = {};
};

// The name of the key a value kind is written under (credentials have two).
inline constexpr std::string_view credential_file_suffix = "_file";
inline constexpr std::string_view credential_env_suffix = "_env";

}  // namespace personsync::config
