#pragma once
// A [[whop]] source block: one Whop account's People API.

#include <optional>
#include <span>
#include <string>

#include "common/config/section.hpp"
#include "connectors/source_config.hpp"

namespace personsync::whop {

struct whop_source_config {
  connectors::source_config source;
  // Required when the credential can reach several accounts; an account API key
  // implies its account.
  std::optional<std::string> account_id;

  static std::span<const config::key_spec> config_keys();
  static whop_source_config from_config(const config::section& s);

  // The scope its records land under: the account id, or the source name when
  // the account is implied by the key.
  [[nodiscard]] std::string scope() const { return account_id.value_or(source.name); }
};

}  // namespace personsync::whop
