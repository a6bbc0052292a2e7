#include "daemon/identity/upstream_split.hpp"

#include <algorithm>

#include "common/uuid.hpp"

namespace personsync::identity {
namespace {

// PostHog's namespace for split-off persons (posthog/models/person/util.py, `uuidFromDistinctId`).
constexpr std::string_view posthog_split_namespace = "932979b4-65c3-4424-8467-0b66ec27bc22";

}  // namespace

std::string posthog_split_uuid(std::string_view team, std::string_view distinct_id) {
  std::string name(team);
  name += ':';
  name += distinct_id;
  return uuid5(posthog_split_namespace, name);
}

std::vector<split_off> split_offs(std::string_view team, const std::vector<std::string>& before,
                                  const std::vector<std::string>& after) {
  std::vector<split_off> out;
  for (const std::string& d : before) {
    if (std::find(after.begin(), after.end(), d) == after.end()) out.push_back({d, posthog_split_uuid(team, d)});
  }
  return out;
}

}  // namespace personsync::identity
