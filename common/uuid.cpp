#include "common/uuid.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

namespace personsync {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

uuid_bytes parse_uuid(std::string_view canonical) {
  // 8-4-4-4-12 hex digits.
  bool valid = canonical.size() == 36;
  uuid_bytes out{};
  for (std::size_t i = 0, n = 0; valid && i < canonical.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      valid = canonical[i] == '-';
      continue;
    }
    const int high = hex_digit(canonical[i]), low = hex_digit(canonical[++i]);
    valid = high >= 0 && low >= 0;
    out[n++] = static_cast<std::uint8_t>(high << 4 | low);
  }
  if (!valid) throw std::invalid_argument("not a uuid: '" + std::string(canonical) + "'");
  return out;
}

std::string uuid_text(const uuid_bytes& bytes) {
  constexpr std::string_view hex_digits = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += hex_digits[bytes[i] >> 4];
    text += hex_digits[bytes[i] & 0x0f];
  }
  return text;
}

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
  uuid_bytes id{};
  std::copy_n(digest, id.size(), id.begin());
  return uuid_text(id);
}

}  // namespace personsync
