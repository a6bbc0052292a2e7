#pragma once
// Lists as SQL literals and relations, for the identity store's statements.

#include <cstdint>
#include <string>
#include <vector>

namespace personsync::store {

// A bigint[] literal, quoted and cast: '{1,2,3}'::bigint[]. Digits and commas only, so it may sit
// in a COPY query's text.
std::string id_array(const std::vector<std::int64_t>& ids);
// Ids as a relation `wanted(id)`, in ascending order: joined to an index, it is probed in index
// order, where `= ANY(big array)` may make the planner scan the whole table.
std::string id_relation(std::vector<std::int64_t> ids);
// A JSON array of strings.
std::string json_strings(const std::vector<std::string>& values);
// A uuid[] literal, unquoted, from ids read from the database.
std::string uuid_array(const std::vector<std::string>& ids);

}  // namespace personsync::store
