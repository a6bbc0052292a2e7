#include "daemon/logging/log_config.hpp"

#include <array>
#include <string_view>

namespace personsync::logging {
namespace {

using config::value_kind;
using row = config::bound_key<log_config>;

// In the order of their enumerators: spdlog::level::level_enum, log_format.
constexpr std::array<std::string_view, 7> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
constexpr std::array<std::string_view, 2> formats{"text", "json"};

constexpr std::array keys{
    row{{.name = "level", .kind = value_kind::string, .one_of = levels,
         .help = "Least severe level written: trace, debug, info, warn, error, critical or off."},
        config::choice<&log_config::level>()},
    row{{.name = "format", .kind = value_kind::string, .one_of = formats,
         .help = "text for terminals; json (one object a line) for journald and log shippers."},
        config::choice<&log_config::format>()},
};

}  // namespace

const config::key_table<log_config>& log_config::table() {
  static const config::key_table<log_config> table(keys);
  return table;
}

log_config log_config::from_config(const config::section& s) {
  log_config out;
  table().read(s, out);
  return out;
}

}  // namespace personsync::logging
