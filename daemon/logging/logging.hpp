#pragma once
// Process-wide logging on spdlog, to stderr (journald takes it from there).

#include "daemon/logging/log_config.hpp"

namespace personsync::logging {

// Installs the default logger; safe to call again (a reload changes level and format).
void configure(const log_config& cfg);

}  // namespace personsync::logging
