#include "daemon/logging/logging.hpp"

#include <memory>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon/logging/json_formatter.hpp"

namespace personsync::logging {

void configure(const log_config& cfg) {
  auto logger = spdlog::get("personsync");
  if (!logger) {
    logger = spdlog::stderr_color_mt("personsync");
    spdlog::set_default_logger(logger);
  }
  if (cfg.format == log_format::json) {
    logger->set_formatter(std::make_unique<json_formatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %v");
  }
  logger->set_level(cfg.level);
  logger->flush_on(spdlog::level::info);
}

}  // namespace personsync::logging
