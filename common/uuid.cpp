#include "common/uuid.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace personsync {
namespace {

std::array<std::uint8_t, 16> parse_uuid(std::string_view text) {
  std::array<std::uint8_t, 16> out{};
  std::size_t n = 0;
  int high = -1;
  for (const char c : text) {
    if (c == '-') continue;
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0 || n >= 16) throw std::invalid_argument("not a UUID");
    if (high < 0) {
      high = v;
    } else {
      out[n++] = static_cast<std::uint8_t>(high << 4 | v);
      high = -1;
    }
  }
  if (n != 16) throw std::invalid_argument("not a UUID");
  return out;
}

}  // namespace

std::string uuid5(std::string_view namespace_uuid, std::string_view name) {
  const auto ns = parse_uuid(namespace_uuid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, ns.data(), ns.size());
  EVP_DigestUpdate(ctx, name.data(), name.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);  // version 5
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

}  // namespace personsync
