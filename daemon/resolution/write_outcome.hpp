#pragma once
// One resolution's outcome written in the caller's transaction: which persons' golden
// records to publish, computing them, and whether that is worth a thread beside the
// session writing the rest. The statements are the store's (identity_store).

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/identity/golden_record.hpp"
#include "daemon/identity/resolver.hpp"
#include "daemon/store/identity_store.hpp"

namespace personsync::resolution {

// `records` as given to the resolver, `ids` and `facts` theirs in the same order; the facts are
// spent on the golden records.
store::resolution_summary write_outcome(store::identity_store& store, const std::string& mode,
                                        const std::string& settings_hash, std::size_t dirty,
                                        const std::vector<identity::record_evidence>& records,
                                        const std::vector<std::int64_t>& ids, std::vector<identity::record_facts> facts,
                                        const identity::resolution& result);

}  // namespace personsync::resolution
