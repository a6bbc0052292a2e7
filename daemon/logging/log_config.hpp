#pragma once
// The [log] section: level and output format.

#include <span>

#include <spdlog/common.h>

#include "common/config/key_table.hpp"
#include "common/config/section.hpp"

namespace personsync::logging {

enum class log_format { text, json };

struct log_config {
  spdlog::level::level_enum level = spdlog::level::info;
  log_format format = log_format::text;

  static const config::key_table<log_config>& table();
  static std::span<const config::key_spec> config_keys() { return table().specs(); }
  static log_config from_config(const config::section& s);
};

}  // namespace personsync::logging
