#include "daemon/cli/arguments.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace personsync::cli {

arguments::arguments(std::span<const std::string> args, std::span<const option_spec> specs) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positionals_.insert(positionals_.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (!arg.starts_with("--")) {
      if (arg.starts_with("-") && arg.size() > 1) throw usage_error(fmt::format("unknown option '{}'", arg));
      positionals_.push_back(arg);
      continue;
    }

    const std::size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const option_spec& s) { return s.name == name; });
    if (spec == specs.end()) throw usage_error(fmt::format("unknown option '--{}'", name));

    std::string value;
    if (spec->value_name.empty()) {
      if (eq != std::string::npos) throw usage_error(fmt::format("option '--{}' takes no value", name));
    } else if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw usage_error(fmt::format("option '--{}' needs a value ({})", name, spec->value_name));
    }

    auto& slot = values_[name];
    if (!slot.empty() && !spec->repeatable) throw usage_error(fmt::format("option '--{}' is given twice", name));
    slot.push_back(std::move(value));
  }
}

std::optional<std::string> arguments::value(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second.front();
}

std::vector<std::string> arguments::values(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace personsync::cli
