#pragma once
// A component's config table with each key bound to the member of its config
// struct that holds the value (PgBouncer's CF_ABS rows: name, type, variable,
// reload flag and default in one place). The default is the member's
// initializer in the struct, the one typed declaration of it; the text that the
// section's diagnostics, the example config and its check show is formatted from
// that value. From the rows alone, one generic reader fills the struct, one
// generic diff keeps what a reload may not change, and one canonical text of the
// values feeds what must notice a change (the identity settings' hash).

#include <chrono>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/config/key_spec.hpp"
#include "common/config/section.hpp"
#include "common/secret.hpp"

namespace personsync::config {

// An enum member whose values number its key's `one_of` list in order (log levels, formats):
// the key reads as one of the names, the member holds the matching enumerator.
template <class Config>
struct choice_member {
  std::size_t (*get)(const Config&);
  void (*set)(Config&, std::size_t);
};

template <class Member>
struct member_traits;
template <class Config, class Value>
struct member_traits<Value Config::*> {
  using config = Config;
  using value = Value;
};

template <auto member>
constexpr choice_member<typename member_traits<decltype(member)>::config> choice() {
  using traits = member_traits<decltype(member)>;
  return {[](const typename traits::config& c) { return static_cast<std::size_t>(c.*member); },
          [](typename traits::config& c, std::size_t i) { c.*member = static_cast<typename traits::value>(i); }};
}

// A key whose value is not one member of `Config` as it reads: a member of a member
// (`source.http.connect_timeout`), a scaled one (MiB read, bytes held) or a parsed one (a
// rate limit). `read` sets it from a present key, reporting what it cannot take through the
// section; `text` writes it as value_text would, and is what a reload compares.
template <class Config>
struct custom_member {
  void (*read)(const section& s, std::string_view key, Config& out);
  std::string (*text)(const Config& c);
  void (*copy)(const Config& from, Config& to);
};

// Where a key's value lives in `Config`. Keys that are sub-tables (value_kind::table and
// table_list) are read by their component with keys of their own and bind nothing.
template <class Config>
using member_of = std::variant<std::monostate, std::string Config::*, bool Config::*, int Config::*, unsigned Config::*,
                               std::uint16_t Config::*, std::int64_t Config::*, std::size_t Config::*,
                               double Config::*, std::chrono::milliseconds Config::*,
                               std::optional<std::chrono::milliseconds> Config::*,
                               std::optional<std::string> Config::*, std::vector<std::string> Config::*,
                               std::optional<secret> Config::*, choice_member<Config>, custom_member<Config>>;

template <class Config>
struct bound_key {
  key_spec spec;  // bound: its default_value is left empty, the member's initializer is the default
  member_of<Config> member;
};

// The text a value reads as in TOML, unquoted ("15m", "true", "4"); a list is its items with
// their lengths, so that two lists read the same only when they are the same. A credential
// reads as "(set)" or "" and never as itself; an unset optional as "".
std::string value_text(const std::string& v);
std::string value_text(bool v);
std::string value_text(std::int64_t v);
std::string value_text(double v);
std::string value_text(std::chrono::milliseconds v);
std::string value_text(const std::optional<std::chrono::milliseconds>& v);
std::string value_text(const std::optional<std::string>& v);
std::string value_text(const std::vector<std::string>& v);
std::string value_text(const std::optional<secret>& v);
template <class Integer>
  requires(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool> && !std::is_same_v<Integer, std::int64_t>)
std::string value_text(Integer v) {
  return value_text(static_cast<std::int64_t>(v));
}

// Sets `out` from the key `key`, which `s` holds (section::has): one overload per member type
// a row may bind.
void read_value(const section& s, std::string_view key, std::string& out);
void read_value(const section& s, std::string_view key, bool& out);
void read_value(const section& s, std::string_view key, double& out);
void read_value(const section& s, std::string_view key, std::chrono::milliseconds& out);
void read_value(const section& s, std::string_view key, std::optional<std::chrono::milliseconds>& out);
void read_value(const section& s, std::string_view key, std::optional<std::string>& out);
void read_value(const section& s, std::string_view key, std::vector<std::string>& out);
void read_value(const section& s, std::string_view key, std::optional<secret>& out);
template <class Integer>
  requires(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>)
void read_value(const section& s, std::string_view key, Integer& out) {
  // The row's bounds are within the member's type (key_table::check_bounds_fit).
  out = static_cast<Integer>(s.integer(key));
}

// A row bound to a member of a member: `nested<&source_config::http, &client_options::connect_timeout>()`.
template <auto outer, auto inner>
constexpr custom_member<typename member_traits<decltype(outer)>::config> nested() {
  using config_type = typename member_traits<decltype(outer)>::config;
  return {[](const section& s, std::string_view key, config_type& c) { read_value(s, key, (c.*outer).*inner); },
          [](const config_type& c) -> std::string { return value_text((c.*outer).*inner); },
          [](const config_type& from, config_type& to) { (to.*outer).*inner = (from.*outer).*inner; }};
}

// value_text's text as a value in a TOML file: a string or a duration as a basic string (quoted,
// with `"`, `\` and control characters escaped), every other kind as it is.
std::string toml_literal(value_kind kind, std::string_view text);

template <class Config>
class key_table {
 public:
  // Where the keys' defaults come from: the struct's member initializers, or the caller, who
  // fills the struct before reading (each identifier kind has defaults of its own); then the
  // specs carry no default text.
  enum class defaults { from_initializers, from_caller };

  // `rows` must outlive the table (they are a component's constexpr array).
  explicit key_table(std::span<const bound_key<Config>> rows, defaults from = defaults::from_initializers)
      : rows_(rows) {
    const Config initial{};
    for (const bound_key<Config>& row : rows_) {
      key_spec spec = row.spec;
      const bool bound = !std::holds_alternative<std::monostate>(row.member);
      if (bound && from == defaults::from_initializers && !spec.required && spec.kind != value_kind::string_list) {
        spec.default_value = default_texts_.emplace_back(text_of(row, initial));
      }
      check_bounds_fit(row);
      specs_.push_back(spec);
    }
  }
  key_table(const key_table&) = delete;  // specs_ view default_texts_
  key_table& operator=(const key_table&) = delete;

  // What a config::section validates against.
  [[nodiscard]] std::span<const key_spec> specs() const { return specs_; }
  [[nodiscard]] std::span<const bound_key<Config>> rows() const { return rows_; }

  // Sets every bound member whose key the section holds with a valid value; the others keep
  // what `out` had (the struct's defaults, or a caller's own, as for each identifier kind).
  void read(const section& s, Config& out) const {
    for (const bound_key<Config>& row : rows_) {
      const std::string_view key = row.spec.name;
      if (row.spec.kind != value_kind::credential && !s.has(key)) continue;
      std::visit(
          [&](auto member) {
            using member_type = decltype(member);
            if constexpr (std::is_same_v<member_type, std::monostate>) {
            } else if constexpr (std::is_same_v<member_type, choice_member<Config>>) {
              const std::string name = s.string(key);
              for (std::size_t i = 0; i < row.spec.one_of.size(); ++i) {
                if (row.spec.one_of[i] == name) member.set(out, i);
              }
            } else if constexpr (std::is_same_v<member_type, custom_member<Config>>) {
              member.read(s, key, out);
            } else {
              read_value(s, key, out.*member);
            }
          },
          row.member);
    }
  }

  // The keys `next` changes that a reload may not: each is set back to `running`'s value in
  // `next`, and its name returned, so that the caller can say it waits for a restart.
  std::vector<std::string_view> keep_what_needs_restart(const Config& running, Config& next) const {
    std::vector<std::string_view> kept;
    for (const bound_key<Config>& row : rows_) {
      if (row.spec.on_reload != reload::needs_restart) continue;
      std::visit(
          [&](auto member) {
            using member_type = decltype(member);
            if constexpr (std::is_same_v<member_type, choice_member<Config>>) {
              if (member.get(next) == member.get(running)) return;
              member.set(next, member.get(running));
              kept.push_back(row.spec.name);
            } else if constexpr (std::is_same_v<member_type, custom_member<Config>>) {
              if (member.text(next) == member.text(running)) return;
              member.copy(running, next);
              kept.push_back(row.spec.name);
            } else if constexpr (!std::is_same_v<member_type, std::monostate>) {
              if (next.*member == running.*member) return;
              next.*member = running.*member;
              kept.push_back(row.spec.name);
            }
          },
          row.member);
    }
    return kept;
  }

  // "name=value\n" for every bound key, in table order: equal exactly when the values are.
  [[nodiscard]] std::string canonical_text(const Config& c) const {
    std::string out;
    for (const bound_key<Config>& row : rows_) {
      if (std::holds_alternative<std::monostate>(row.member)) continue;
      out += std::string(row.spec.name) + "=" + text_of(row, c) + "\n";
    }
    return out;
  }

  // The value of one row's member in `c`, as value_text writes it.
  [[nodiscard]] static std::string text_of(const bound_key<Config>& row, const Config& c) {
    return std::visit(
        [&](auto member) -> std::string {
          using member_type = decltype(member);
          if constexpr (std::is_same_v<member_type, std::monostate>) {
            return {};
          } else if constexpr (std::is_same_v<member_type, choice_member<Config>>) {
            const std::size_t i = member.get(c);
            return i < row.spec.one_of.size() ? std::string(row.spec.one_of[i]) : std::to_string(i);
          } else if constexpr (std::is_same_v<member_type, custom_member<Config>>) {
            return member.text(c);
          } else {
            return value_text(c.*member);
          }
        },
        row.member);
  }

 private:
  // An integer key's bounds must lie within its member's type, or a valid value would wrap
  // when stored: a table that says otherwise fails when it is built (the first test).
  static void check_bounds_fit(const bound_key<Config>& row) {
    std::visit(
        [&](auto member) {
          if constexpr (!std::is_same_v<decltype(member), std::monostate> &&
                        !std::is_same_v<decltype(member), choice_member<Config>> &&
                        !std::is_same_v<decltype(member), custom_member<Config>>) {
            using value = std::remove_cvref_t<decltype(std::declval<Config&>().*member)>;
            // A TOML integer is an int64: an int64 member holds any, bounded or not.
            if constexpr (std::is_integral_v<value> && !std::is_same_v<value, bool> &&
                          !std::is_same_v<value, std::int64_t>) {
              if (row.spec.min < static_cast<double>(std::numeric_limits<value>::lowest()) ||
                  row.spec.max > static_cast<double>(std::numeric_limits<value>::max())) {
                throw std::logic_error("config key " + std::string(row.spec.name) +
                                       ": its bounds do not fit the member that holds it");
              }
            }
          }
        },
        row.member);
  }

  std::span<const bound_key<Config>> rows_;
  std::vector<key_spec> specs_;
  std::deque<std::string> default_texts_;  // what specs_' default_values view; a deque never moves them
};

}  // namespace personsync::config
