#include "daemon/identity/email.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace personsync::identity {

std::optional<std::string> normalize_email(std::string_view raw) {
  const std::string_view trimmed = trim_ascii(raw);
  const auto at = trimmed.find('@');
  if (at == std::string_view::npos || at == 0 || trimmed.find('@', at + 1) != std::string_view::npos) return std::nullopt;
  const std::string_view domain = trimmed.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return std::nullopt;
  if (std::any_of(trimmed.begin(), trimmed.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; })) {
    return std::nullopt;
  }
  std::string out(trimmed);
  // ASCII only: a non-ASCII byte is part of a UTF-8 sequence and stays as it is.
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string loosen_email(std::string_view normalized) {
  const auto at = normalized.find('@');
  std::string_view local = normalized.substr(0, at);
  std::string domain(normalized.substr(at + 1));
  if (const auto plus = local.find('+'); plus != std::string_view::npos && plus > 0) local = local.substr(0, plus);
  std::string out(local);
  if (domain == "googlemail.com") domain = "gmail.com";
  if (domain == "gmail.com") std::erase(out, '.');
  return out + "@" + domain;
}

}  // namespace personsync::identity
