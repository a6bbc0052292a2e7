#pragma once
// The [http] section: where /metrics, /healthz and /readyz are served.

#include <cstdint>
#include <span>
#include <string>

#include "common/config/key_table.hpp"
#include "common/config/section.hpp"

namespace personsync::http {

struct http_config {
  bool enabled = true;
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 9187;

  static const config::key_table<http_config>& table();
  static std::span<const config::key_spec> config_keys() { return table().specs(); }
  static http_config from_config(const config::section& s);
};

}  // namespace personsync::http
