#include "daemon/cli/identity_report.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace personsync::cli {

resolution::operator_context operator_context_of(const arguments& args) {
  std::string actor;
  if (auto a = args.value("actor")) {
    actor = *a;
  } else {
    for (const char* name : {"SUDO_USER", "USER", "LOGNAME"}) {
      if (const char* v = std::getenv(name); v && *v) {
        actor = v;
        break;
      }
    }
  }
  if (actor.empty()) actor = "unknown";
  return {actor, args.value("reason").value_or("")};
}

boost::json::object to_json(const store::resolution_summary& s) {
  return {{"resolution_id", s.resolution_id}, {"mode", s.mode},         {"dirty_records", s.dirty},
          {"area_records", s.area},           {"persons_touched", s.persons_touched},
          {"events", s.events},               {"rejected_links", s.rejected},
          {"quarantined_values", s.quarantined}, {"frozen_components", s.frozen}};
}

std::string describe(const store::resolution_summary& s) {
  if (s.resolution_id == 0) return "nothing changed since the last resolution";
  return fmt::format(
      "resolution {} ({}): {} dirty records, area {}, {} persons touched, {} events, {} links rejected, "
      "{} values quarantined, {} components frozen",
      s.resolution_id, s.mode, s.dirty, s.area, s.persons_touched, s.events, s.rejected, s.quarantined, s.frozen);
}

std::string to_text(const store::resolution_summary& s) { return "identity: " + describe(s); }

}  // namespace personsync::cli
