#include "daemon/store/backend_termination.hpp"

namespace personsync::store {

std::string terminate_chosen_backends(std::string_view chosen) {
  return "WITH chosen AS MATERIALIZED (" + std::string(chosen) +
         ") SELECT chosen.*, CASE WHEN pg_terminate_backend(chosen.pid) THEN 1 ELSE 0 END AS ended FROM chosen";
}

}  // namespace personsync::store
