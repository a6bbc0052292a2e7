#include "common/secret.hpp"

#include <openssl/crypto.h>

namespace personsync {

// Wipe the bytes so a core dump or a reused heap block does not carry the credential.
secret::~secret() {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
}

}  // namespace personsync
