#include "common/uuid.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>

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
  // A full resolution derives half a million ids. Each call used to create a context and look
  // SHA-1 up again (OpenSSL 3 fetches the algorithm on every init); now a thread keeps a context
  // that has hashed the namespace and copies it for each name.
  struct hasher {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> with_namespace{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> work{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    std::string namespace_uuid;
  };
  thread_local hasher h;
  const auto fail = [] { throw std::runtime_error("SHA-1 failed"); };
  if (!h.with_namespace || !h.work) fail();
  if (h.namespace_uuid != namespace_uuid) {
    const auto ns = parse_uuid(namespace_uuid);
    if (EVP_DigestInit_ex(h.with_namespace.get(), EVP_sha1(), nullptr) != 1 ||
        EVP_DigestUpdate(h.with_namespace.get(), ns.data(), ns.size()) != 1) {
      fail();
    }
    h.namespace_uuid = namespace_uuid;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_MD_CTX_copy_ex(h.work.get(), h.with_namespace.get()) != 1 ||
      EVP_DigestUpdate(h.work.get(), name.data(), name.size()) != 1 ||
      EVP_DigestFinal_ex(h.work.get(), digest, &length) != 1) {
    fail();
  }
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);  // version 5
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC 4122 variant
  constexpr std::string_view hex_digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    hex += hex_digits[digest[i] >> 4];
    hex += hex_digits[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace personsync
