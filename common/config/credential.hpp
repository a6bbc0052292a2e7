#pragma once
// Where a credential comes from: a file (systemd's LoadCredential= puts it in
// $CREDENTIALS_DIRECTORY) or an environment variable. Messages name the file or
// variable, never the value.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/secret.hpp"

namespace personsync::config {

struct credential_read {
  std::optional<secret> value;
  std::string error;    // empty when read
  std::string warning;  // e.g. the file is readable by other users
};

using env_lookup_fn = std::function<std::optional<std::string>(std::string_view)>;

// A relative path resolves against $CREDENTIALS_DIRECTORY when it is set, else
// against the directory of the config file. One trailing newline is dropped.
credential_read read_credential_file(const std::string& path, const std::filesystem::path& config_dir,
                                     const env_lookup_fn& env);
credential_read read_credential_env(const std::string& variable, const env_lookup_fn& env);

}  // namespace personsync::config
