#include "daemon/logging/log_config.hpp"

#include <array>
#include <string_view>

namespace personsync::logging {
namespace {

using config::key_spec;
using config::value_kind;

constexpr std::array<std::string_view, 7> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
constexpr std::array<std::string_view, 2> formats{"text", "json"};

constexpr std::array keys{
    key_spec{.name = "level", .kind = value_kind::string, .default_value = "info", .one_of = levels,
             .help = "Least severe level written: trace, debug, info, warn, error, critical or off."},
    key_spec{.name = "format", .kind = value_kind::string, .default_value = "text", .one_of = formats,
             .help = "text for terminals; json (one object a line) for journald and log shippers."},
};

}  // namespace

std::span<const config::key_spec> log_config::config_keys() { return keys; }

log_config log_config::from_config(const config::section& s) {
  log_config out;
  out.level = spdlog::level::from_str(s.string("level"));
  out.format = s.string("format") == "json" ? log_format::json : log_format::text;
  return out;
}

}  // namespace personsync::logging
