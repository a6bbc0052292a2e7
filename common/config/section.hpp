#pragma once
// A config section validated against its component's key table. Construction
// records every problem (unknown key, wrong type, out of range, missing, inline
// secret) in the shared diagnostics; the typed getters then return the value,
// or the declared default where the value is absent or was rejected, so that a
// component can keep reading and report all of a file's mistakes in one pass.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <toml++/toml.h>

#include "common/config/credential.hpp"
#include "common/config/diagnostics.hpp"
#include "common/config/key_spec.hpp"
#include "common/secret.hpp"

namespace personsync::config {

// What reading a file needs beyond the file: where it is (for relative paths and
// positions), the environment (for `*_env` and $CREDENTIALS_DIRECTORY), and the
// diagnostics every section reports into.
struct load_context {
  using env_lookup = env_lookup_fn;

  std::string file;
  std::filesystem::path config_dir;
  env_lookup env;
  diagnostics* diag;

  static env_lookup process_environment();
};

class section {
 public:
  // `table` may be null: the section is absent and every key takes its default.
  section(const toml::table* table, std::string path, std::span<const key_spec> keys, load_context& ctx);

  [[nodiscard]] std::string string(std::string_view key) const;
  [[nodiscard]] std::optional<std::string> optional_string(std::string_view key) const;
  [[nodiscard]] std::int64_t integer(std::string_view key) const;
  [[nodiscard]] double number(std::string_view key) const;
  [[nodiscard]] bool boolean(std::string_view key) const;
  [[nodiscard]] std::chrono::milliseconds duration(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> strings(std::string_view key) const;
  [[nodiscard]] const toml::table* table(std::string_view key) const;
  [[nodiscard]] std::vector<const toml::table*> tables(std::string_view key) const;
  // Reads `<key>_file` or `<key>_env`; nullopt when neither is set (or it failed).
  [[nodiscard]] std::optional<secret> credential(std::string_view key) const;

  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::string path_of(std::string_view key) const;
  [[nodiscard]] position where(std::string_view key) const;
  [[nodiscard]] load_context& context() const noexcept { return ctx_; }

  // For checks that span keys, made by the component after reading.
  void error(std::string_view key, std::string message) const;
  void warning(std::string_view key, std::string message) const;

 private:
  const key_spec& spec(std::string_view key) const;
  const toml::node* usable(std::string_view key) const;  // present and valid
  void validate();
  void validate_value(const key_spec& spec, const toml::node& node);
  void validate_credential(const key_spec& spec);

  const toml::table* table_;
  std::string path_;
  std::span<const key_spec> keys_;
  load_context& ctx_;
  std::unordered_set<std::string> rejected_;
};

// The position of a TOML node, in the terms diagnostics use.
position position_of(const toml::node& node, const load_context& ctx);

}  // namespace personsync::config
