#include "daemon/identity/normalize.hpp"

#include "common/ascii.hpp"

#include "daemon/identity/email.hpp"
#include "daemon/identity/phone.hpp"

namespace personsync::identity {
namespace {

bool is_user_id(identifier_kind k) {
  return k == identifier_kind::whop_user_id || k == identifier_kind::posthog_distinct_id;
}

}  // namespace

std::optional<identifier_kind> kind_named(std::string_view name) {
  for (identifier_kind k : all_identifier_kinds()) {
    if (name_of(k) == name) return k;
  }
  return std::nullopt;
}

bool same_space(identifier_kind a, identifier_kind b) { return link_space(a) == link_space(b); }

int link_space(identifier_kind kind) {
  return is_user_id(kind) ? static_cast<int>(identifier_kind::posthog_distinct_id) : static_cast<int>(kind);
}

void normalize_identifier(std::string_view raw_kind, std::string_view raw_value, const identity_config& config,
                          std::vector<identifier_value>& out) {
  const auto kind = kind_named(raw_kind);
  if (!kind) return;
  switch (*kind) {
    case identifier_kind::email: {
      auto email = normalize_email(raw_value);
      if (!email) return;
      if (config.kinds.at(identifier_kind::email_loose).enabled) {
        out.push_back({identifier_kind::email_loose, loosen_email(*email)});
      }
      out.push_back({identifier_kind::email, std::move(*email)});
      return;
    }
    case identifier_kind::phone: {
      auto phone = normalize_phone(raw_value, config.phone_default_region);
      if (phone) out.push_back({identifier_kind::phone, std::move(*phone)});
      return;
    }
    case identifier_kind::email_loose:
      return;  // derived from email, never sent
    default:
      // Ids are compared exactly: trimming is all, a provider's id is case-sensitive.
      out.push_back({*kind, std::string(trim_ascii(raw_value))});
      return;
  }
}

}  // namespace personsync::identity
