#include "common/config/credential.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace personsync::config {

credential_read read_credential_file(const std::string& path, const std::filesystem::path& config_dir,
                                     const env_lookup_fn& env) {
  std::filesystem::path resolved(path);
  if (resolved.is_relative()) {
    const std::optional<std::string> credentials_dir = env("CREDENTIALS_DIRECTORY");
    resolved = (credentials_dir && !credentials_dir->empty() ? std::filesystem::path(*credentials_dir) : config_dir) / resolved;
  }

  credential_read out;
  struct stat st {};
  if (::stat(resolved.c_str(), &st) != 0) {
    out.error = fmt::format("cannot read credential file {}: {}", resolved.string(), std::strerror(errno));
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    out.error = fmt::format("credential file {} is not a regular file", resolved.string());
    return out;
  }
  if (st.st_mode & (S_IRGRP | S_IROTH)) {
    out.warning = fmt::format("credential file {} is readable by other users (mode {:04o}): chmod 600 it",
                              resolved.string(), st.st_mode & 07777);
  }

  std::ifstream in(resolved, std::ios::binary);
  std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    out.error = fmt::format("cannot read credential file {}", resolved.string());
    return out;
  }
  if (value.ends_with('\n')) value.pop_back();
  if (value.ends_with('\r')) value.pop_back();
  if (value.empty()) {
    out.error = fmt::format("credential file {} is empty", resolved.string());
    return out;
  }
  out.value.emplace(std::move(value));
  return out;
}

credential_read read_credential_env(const std::string& variable, const env_lookup_fn& env) {
  credential_read out;
  std::optional<std::string> value = env(variable);
  if (!value) {
    out.error = fmt::format("environment variable {} is not set", variable);
  } else if (value->empty()) {
    out.error = fmt::format("environment variable {} is empty", variable);
  } else {
    out.value.emplace(std::move(*value));
  }
  return out;
}

}  // namespace personsync::config
