// The whole config file through settings::load_config, with every section's
// validation, on any text an operator could save. load_config reports what is
// wrong and does not throw: anything escaping it is a bug. Its promises, checked:
//  - config is set exactly when the diagnostics hold no error;
//  - every diagnostic names the file, and a line of it with a column (line and
//    column 0 where the position is unknown, e.g. a missing key);
//  - no diagnostic holds a credential's value.
// Every environment variable holds the same fake token, and so do the credential
// files beside the config (whop_api_key, db_password), so that credentials
// resolve. The token holds bytes that are not UTF-8: no TOML text decodes to
// them, so a diagnostic quoting the file cannot hold the token by chance.

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/settings/daemon_config.hpp"

namespace {

constexpr std::string_view fake_token = "fuzz\xff-token-\xfe-value";

struct scratch {
  std::filesystem::path dir;
  std::filesystem::path file;

  scratch() {
    dir = std::filesystem::temp_directory_path() / ("config_file_fuzz." + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    file = dir / "personsync.toml";
    for (const char* name : {"whop_api_key", "db_password"}) {
      const auto path = dir / name;
      std::ofstream(path, std::ios::binary) << fake_token << '\n';
      std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
  }
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// The token for every variable but $CREDENTIALS_DIRECTORY, which is a directory (relative
// credential files then resolve beside the config) and is named in messages, as it may be.
std::optional<std::string> fake_env(std::string_view name) {
  if (name == "CREDENTIALS_DIRECTORY") return std::nullopt;
  return std::string(fake_token);
}

[[noreturn]] void fail(const char* what, const personsync::config::diagnostic* d = nullptr) {
  std::fprintf(stderr, "config_file_fuzz: %s\n", what);
  if (d) std::fprintf(stderr, "  %s\n", personsync::config::to_string(*d).c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace personsync;
  static const scratch where;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  {
    std::ofstream out(where.file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) fail("cannot write the scratch config");
  }

  settings::loaded_config loaded;
  try {
    loaded = settings::load_config(where.file, fake_env);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "config_file_fuzz: load_config threw: %s\n", e.what());
    std::abort();
  } catch (...) {
    fail("load_config threw something that is no std::exception");
  }

  if (loaded.config.has_value() == loaded.diagnostics.has_errors()) fail("config set with errors, or unset without");
  const std::string shown = where.file.string();
  // A last line without '\n' counts, and so does the empty one after a last '\n' (where
  // toml++ reports an unexpected end of file).
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const config::diagnostic& d : loaded.diagnostics.all()) {
    if (d.where.file != shown) fail("a diagnostic names another file", &d);
    if (d.where.line == 0) {
      if (d.where.column != 0) fail("a column without a line", &d);
    } else {
      if (d.where.line > lines) fail("a line beyond the file's end", &d);
      if (d.where.column == 0) fail("a line without a column", &d);
    }
    if (d.message.find(fake_token) != std::string::npos || d.key_path.find(fake_token) != std::string::npos) {
      fail("a diagnostic holds a credential's value", &d);
    }
  }
  return 0;
}
