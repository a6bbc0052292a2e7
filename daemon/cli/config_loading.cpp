#include "daemon/cli/config_loading.hpp"

#include <algorithm>
#include <ostream>

#include "daemon/logging/logging.hpp"

namespace personsync::cli {

std::optional<settings::daemon_config> load_config_for(const arguments& args, command_io io) {
  const std::filesystem::path file = args.value("config").value_or(settings::default_config_path().string());
  settings::loaded_config loaded = settings::load_config(file);

  std::vector<config::diagnostic> sorted = loaded.diagnostics.all();
  std::stable_sort(sorted.begin(), sorted.end(), [](const config::diagnostic& a, const config::diagnostic& b) {
    return a.where.line < b.where.line || (a.where.line == b.where.line && a.where.column < b.where.column);
  });
  for (const config::diagnostic& d : sorted) io.err << config::to_string(d) << '\n';
  if (loaded.diagnostics.has_errors()) {
    io.err << file.string() << ": " << loaded.diagnostics.error_count()
           << (loaded.diagnostics.error_count() == 1 ? " error" : " errors") << '\n';
    return std::nullopt;
  }
  logging::configure(loaded.config->log);
  return std::move(loaded.config);
}

}  // namespace personsync::cli
