#pragma once
// Ending other sessions' backends without the planner's help.

#include <string>
#include <string_view>

namespace personsync::store {

// A statement that ends exactly the backends `chosen` selects and returns, per backend, `chosen`'s
// columns followed by `ended` (1 when PostgreSQL signalled it, 0 when it refused: the role may not
// signal that backend, or it is gone already).
//
// Contract: `chosen` is one SELECT with a column named `pid`. The choice is MATERIALIZED
// before any signal is sent: written as one WHERE, the planner may evaluate pg_terminate_backend()
// before the quals that pick the backend, and signal every backend it scanned.
std::string terminate_chosen_backends(std::string_view chosen);

}  // namespace personsync::store
