#pragma once
// Recognizing a split PostHog made: a person's distinct ids left it, and each
// now sits on a new person whose uuid PostHog derived from the team and the
// distinct id (uuid5 in its own namespace). A merge looks different (the losing
// person disappears), so a lost distinct id alone is not a split.

#include <string>
#include <string_view>
#include <vector>

namespace personsync::identity {

// PostHog's uuid of the person split off for `distinct_id` in project `team`.
std::string posthog_split_uuid(std::string_view team, std::string_view distinct_id);

struct split_off {
  std::string distinct_id;
  std::string uuid;  // the new person's uuid
};

// The distinct ids `before` had and `after` lacks, each with the uuid its split-off person would have.
std::vector<split_off> split_offs(std::string_view team, const std::vector<std::string>& before,
                                  const std::vector<std::string>& after);

}  // namespace personsync::identity
