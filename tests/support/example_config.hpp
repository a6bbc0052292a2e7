#pragma once
// config/personsync.example.toml as the tests read it.

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace personsync::testing {

inline std::filesystem::path example_config_path() {
  return std::filesystem::path(PERSONSYNC_SOURCE_DIR) / "config/personsync.example.toml";
}

inline std::string example_config_text() {
  std::ifstream in(example_config_path());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The example with its commented-out source blocks switched on.
inline std::string example_config_with_sources() {
  const std::string text = example_config_text();
  const auto sources = text.find("\n# Sources\n");
  static const std::regex toml_line(R"(\n# (\[\[[a-z.]+\]\]|[a-z_]+ = ))");
  return text.substr(0, sources) + std::regex_replace(text.substr(sources), toml_line, "\n$1");
}

}  // namespace personsync::testing
