#include "common/config/section.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "common/config/credential.hpp"
#include "common/config/duration.hpp"

namespace personsync::config {
namespace {

std::string_view kind_name(value_kind kind) {
  switch (kind) {
    case value_kind::string: return "a string";
    case value_kind::integer: return "an integer";
    case value_kind::number: return "a number";
    case value_kind::boolean: return "a boolean";
    case value_kind::duration: return "a duration string such as \"30s\" or \"15m\"";
    case value_kind::string_list: return "an array of strings";
    case value_kind::table: return "a table";
    case value_kind::table_list: return "an array of tables";
    case value_kind::credential: return "a credential";
  }
  return "a value";
}

std::string_view node_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The TOML key names one spec accepts.
std::vector<std::string> accepted_names(const key_spec& spec) {
  if (spec.kind != value_kind::credential) return {std::string(spec.name)};
  return {std::string(spec.name) + std::string(credential_file_suffix),
          std::string(spec.name) + std::string(credential_env_suffix)};
}

std::string bound_text(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

std::string range_text(const key_spec& spec) {
  const bool has_min = spec.min != -unbounded;
  const bool has_max = spec.max != unbounded;
  const char* unit = spec.kind == value_kind::duration ? "s" : "";
  if (has_min && has_max) return fmt::format("between {}{} and {}{}", bound_text(spec.min), unit, bound_text(spec.max), unit);
  if (has_min) return fmt::format("at least {}{}", bound_text(spec.min), unit);
  return fmt::format("at most {}{}", bound_text(spec.max), unit);
}

}  // namespace

load_context::env_lookup load_context::process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    if (const char* v = std::getenv(std::string(name).c_str())) return std::string(v);
    return std::nullopt;
  };
}

position position_of(const toml::node& node, const load_context& ctx) {
  return {ctx.file, node.source().begin.line, node.source().begin.column};
}

section::section(const toml::table* table, std::string path, std::span<const key_spec> keys, load_context& ctx)
    : table_(table), path_(std::move(path)), keys_(keys), ctx_(ctx) {
  validate();
}

std::string section::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

position section::where(std::string_view key) const {
  if (table_) {
    if (const toml::node* n = table_->get(key)) return position_of(*n, ctx_);
    return position_of(*table_, ctx_);
  }
  return {ctx_.file, 0, 0};
}

void section::error(std::string_view key, std::string message) const {
  ctx_.diag->error(where(key), path_of(key), std::move(message));
}

void section::warning(std::string_view key, std::string message) const {
  ctx_.diag->warning(where(key), path_of(key), std::move(message));
}

const key_spec& section::spec(std::string_view key) const {
  for (const key_spec& s : keys_) {
    if (s.name == key) return s;
  }
  // A getter for an undeclared key is a bug in the component, not in the file.
  throw std::logic_error(fmt::format("config key '{}' is not declared in its section's table", path_of(key)));
}

void section::validate() {
  if (!table_) {
    for (const key_spec& s : keys_) {
      if (s.required) ctx_.diag->error({ctx_.file, 0, 0}, path_of(s.name), "is required");
    }
    return;
  }

  for (auto&& [key, node] : *table_) {
    const std::string_view name = key.str();
    const key_spec* match = nullptr;
    for (const key_spec& s : keys_) {
      for (const std::string& accepted : accepted_names(s)) {
        if (accepted == name) match = &s;
      }
    }
    if (match) {
      if (match->kind != value_kind::credential) validate_value(*match, node);
      continue;
    }

    const position at{ctx_.file, key.source().begin.line, key.source().begin.column};
    const auto inline_secret = std::find_if(keys_.begin(), keys_.end(), [&](const key_spec& s) {
      return s.kind == value_kind::credential && s.name == name;
    });
    if (inline_secret != keys_.end()) {
      ctx_.diag->error(at, path_of(name),
                       fmt::format("secrets are never written in the config file: use {0}{1} (a file, also "
                                   "relative to $CREDENTIALS_DIRECTORY) or {0}{2} (an environment variable)",
                                   name, credential_file_suffix, credential_env_suffix));
      rejected_.insert(std::string(name));
      continue;
    }

    std::string suggestion;
    std::size_t best_distance = 3;  // suggest only near misses
    for (const key_spec& s : keys_) {
      for (const std::string& accepted : accepted_names(s)) {
        if (const std::size_t d = edit_distance(name, accepted); d < best_distance) {
          best_distance = d;
          suggestion = accepted;
        }
      }
    }
    std::string message = suggestion.empty()
                              ? fmt::format("unknown key '{}'", name)
                              : fmt::format("unknown key '{}' (did you mean '{}'?)", name, suggestion);
    ctx_.diag->error(at, path_of(name), std::move(message));
  }

  for (const key_spec& s : keys_) {
    if (s.kind == value_kind::credential) {
      validate_credential(s);
    } else if (s.required && !table_->contains(s.name)) {
      ctx_.diag->error(position_of(*table_, ctx_), path_of(s.name), "is required");
      rejected_.insert(std::string(s.name));
    }
  }
}

void section::validate_value(const key_spec& spec, const toml::node& node) {
  const auto reject = [&](std::string message) {
    ctx_.diag->error(position_of(node, ctx_), path_of(spec.name), std::move(message));
    rejected_.insert(std::string(spec.name));
  };
  const auto wrong_type = [&] {
    reject(fmt::format("expected {}, got {}", kind_name(spec.kind), node_type_name(node)));
  };
  const auto check_range = [&](double v, std::string shown) {
    if (v < spec.min || v > spec.max) reject(fmt::format("must be {}, got {}", range_text(spec), shown));
  };

  switch (spec.kind) {
    case value_kind::string: {
      if (!node.is_string()) return wrong_type();
      const std::string& v = node.as_string()->get();
      if (!spec.one_of.empty() && std::find(spec.one_of.begin(), spec.one_of.end(), v) == spec.one_of.end()) {
        std::string choices;
        for (std::string_view c : spec.one_of) choices += (choices.empty() ? "" : ", ") + std::string(c);
        reject(fmt::format("must be one of: {}; got '{}'", choices, v));
      }
      return;
    }
    case value_kind::integer:
      if (!node.is_integer()) return wrong_type();
      return check_range(static_cast<double>(node.as_integer()->get()), std::to_string(node.as_integer()->get()));
    case value_kind::number: {
      if (!node.is_number()) return wrong_type();
      const double v = node.is_integer() ? static_cast<double>(node.as_integer()->get()) : node.as_floating_point()->get();
      return check_range(v, bound_text(v));
    }
    case value_kind::boolean:
      if (!node.is_boolean()) wrong_type();
      return;
    case value_kind::duration: {
      if (!node.is_string()) return wrong_type();
      const auto d = parse_duration(node.as_string()->get());
      if (!d) return reject(fmt::format("'{}' is not a duration: write a whole number and a unit (ms, s, m, h, d), "
                                        "e.g. \"30s\"", node.as_string()->get()));
      const double seconds = static_cast<double>(d->count()) / 1000.0;
      return check_range(seconds, node.as_string()->get());
    }
    case value_kind::string_list: {
      const toml::array* arr = node.as_array();
      if (!arr) return wrong_type();
      for (const toml::node& el : *arr) {
        if (!el.is_string()) {
          ctx_.diag->error(position_of(el, ctx_), path_of(spec.name),
                           fmt::format("expected every element to be a string, got {}", node_type_name(el)));
          rejected_.insert(std::string(spec.name));
        }
      }
      return;
    }
    case value_kind::table:
      if (!node.is_table()) wrong_type();
      return;
    case value_kind::table_list: {
      const toml::array* arr = node.as_array();
      if (!arr || !arr->is_array_of_tables()) wrong_type();
      return;
    }
    case value_kind::credential:
      return;  // validated by validate_credential
  }
}

void section::validate_credential(const key_spec& spec) {
  const std::string file_key = std::string(spec.name) + std::string(credential_file_suffix);
  const std::string env_key = std::string(spec.name) + std::string(credential_env_suffix);
  const toml::node* file = table_->get(file_key);
  const toml::node* env = table_->get(env_key);
  const auto reject = [&](const std::string& key, std::string message) {
    error(key, std::move(message));
    rejected_.insert(std::string(spec.name));
  };

  if (file && env) return reject(file_key, fmt::format("set only one of {} and {}", file_key, env_key));
  if (!file && !env) {
    // An inline secret was reported already; "required" would only repeat it.
    if (spec.required && !table_->contains(spec.name)) reject(file_key, fmt::format("is required: set {} or {}", file_key, env_key));
    return;
  }
  const std::string& key = file ? file_key : env_key;
  const toml::node* node = file ? file : env;
  if (!node->is_string() || node->as_string()->get().empty()) {
    reject(key, fmt::format("expected a non-empty string, got {}", node_type_name(*node)));
  }
}

const toml::node* section::usable(std::string_view key) const {
  if (!table_ || rejected_.contains(std::string(key))) return nullptr;
  return table_->get(key);
}

bool section::has(std::string_view key) const {
  const key_spec& s = spec(key);
  if (s.kind == value_kind::credential) {
    return usable(std::string(key) + std::string(credential_file_suffix)) ||
           usable(std::string(key) + std::string(credential_env_suffix));
  }
  return usable(key) != nullptr;
}

std::string section::string(std::string_view key) const {
  const key_spec& s = spec(key);
  if (const toml::node* n = usable(key)) return n->as_string()->get();
  return std::string(s.default_value);
}

std::optional<std::string> section::optional_string(std::string_view key) const {
  const key_spec& s = spec(key);
  if (const toml::node* n = usable(key)) return n->as_string()->get();
  if (!s.default_value.empty()) return std::string(s.default_value);
  return std::nullopt;
}

std::int64_t section::integer(std::string_view key) const {
  const key_spec& s = spec(key);
  if (const toml::node* n = usable(key)) return n->as_integer()->get();
  std::int64_t v = 0;
  std::from_chars(s.default_value.data(), s.default_value.data() + s.default_value.size(), v);
  return v;
}

double section::number(std::string_view key) const {
  const key_spec& s = spec(key);
  if (const toml::node* n = usable(key)) {
    return n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get();
  }
  return s.default_value.empty() ? 0.0 : std::strtod(std::string(s.default_value).c_str(), nullptr);
}

bool section::boolean(std::string_view key) const {
  const key_spec& s = spec(key);
  if (const toml::node* n = usable(key)) return n->as_boolean()->get();
  return s.default_value == "true";
}

std::chrono::milliseconds section::duration(std::string_view key) const {
  const key_spec& s = spec(key);
  if (const toml::node* n = usable(key)) return *parse_duration(n->as_string()->get());
  return parse_duration(s.default_value).value_or(std::chrono::milliseconds{0});
}

std::vector<std::string> section::strings(std::string_view key) const {
  spec(key);
  std::vector<std::string> out;
  if (const toml::node* n = usable(key)) {
    for (const toml::node& el : *n->as_array()) out.push_back(el.as_string()->get());
  }
  return out;
}

const toml::table* section::table(std::string_view key) const {
  spec(key);
  const toml::node* n = usable(key);
  return n ? n->as_table() : nullptr;
}

std::vector<const toml::table*> section::tables(std::string_view key) const {
  spec(key);
  std::vector<const toml::table*> out;
  if (const toml::node* n = usable(key)) {
    for (const toml::node& el : *n->as_array()) out.push_back(el.as_table());
  }
  return out;
}

std::optional<secret> section::credential(std::string_view key) const {
  spec(key);
  if (rejected_.contains(std::string(key)) || !table_) return std::nullopt;
  const std::string file_key = std::string(key) + std::string(credential_file_suffix);
  const std::string env_key = std::string(key) + std::string(credential_env_suffix);

  if (const toml::node* file = table_->get(file_key)) {
    credential_read read = read_credential_file(file->as_string()->get(), ctx_.config_dir, ctx_.env);
    if (!read.warning.empty()) warning(file_key, read.warning);
    if (!read.error.empty()) error(file_key, read.error);
    return std::move(read.value);
  }
  if (const toml::node* env = table_->get(env_key)) {
    credential_read read = read_credential_env(env->as_string()->get(), ctx_.env);
    if (!read.error.empty()) error(env_key, read.error);
    return std::move(read.value);
  }
  return std::nullopt;
}

}  // namespace personsync::config
