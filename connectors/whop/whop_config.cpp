#include "connectors/whop/whop_config.hpp"

#include <array>
#include <regex>

#include <fmt/format.h>

namespace personsync::whop {
namespace {

using config::key_spec;
using config::value_kind;

constexpr std::array own_keys{
    key_spec{.name = "base_url", .kind = value_kind::string, .default_value = "https://api.whop.com/api/v1",
             .help = "Base URL of the Whop API."},
    key_spec{.name = "account_id", .kind = value_kind::string,
             .help = "Account id (biz_...). Needed when the token reaches several accounts."},
};

}  // namespace

std::span<const config::key_spec> whop_source_config::config_keys() {
  static const std::vector<config::key_spec> keys = connectors::source_keys(own_keys);
  return keys;
}

whop_source_config whop_source_config::from_config(const config::section& s) {
  whop_source_config out;
  out.source = connectors::read_source_config(s);
  out.account_id = s.optional_string("account_id");
  static const std::regex account_pattern("biz_[A-Za-z0-9]+");
  if (out.account_id && !std::regex_match(*out.account_id, account_pattern)) {
    s.error("account_id", fmt::format("'{}' does not look like a Whop account id (biz_...)", *out.account_id));
  }
  return out;
}

}  // namespace personsync::whop
