#pragma once
// A throwaway CA and a server certificate for "localhost" (only), made with the
// openssl command, for TLS tests against a local server.

#include <filesystem>

#include "tests/support/subprocess.hpp"

namespace personsync::testing {

struct test_certificates {
  temp_dir dir;
  std::filesystem::path ca;           // the CA to trust
  std::filesystem::path server_cert;  // CN and SAN: localhost
  std::filesystem::path server_key;
  std::filesystem::path expired_cert;  // the same name and key, expired a day ago

  test_certificates();
};

}  // namespace personsync::testing
