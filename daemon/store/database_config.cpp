#include "daemon/store/database_config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "common/ascii.hpp"

namespace personsync::store {
namespace {

using config::bound_key;
using config::key_spec;
using config::reload;
using config::value_kind;
using row = bound_key<database_config>;

constexpr std::array rows{
    row{{.name = "conninfo", .kind = value_kind::string, .on_reload = reload::needs_restart,
         .help = "libpq connection string (keywords or postgresql:// URI) without a password; the PG* "
                 "environment variables and ~/.pgpass apply as usual."},
        &database_config::conninfo},
    row{{.name = "password", .kind = value_kind::credential, .on_reload = reload::needs_restart,
         .help = "Database password, if the server asks for one: password_file or password_env."},
        &database_config::password},
    row{{.name = "schema", .kind = value_kind::string, .on_reload = reload::needs_restart,
         .help = "Schema that holds every personsync table and view."},
        &database_config::schema},
    row{{.name = "pool_size", .kind = value_kind::integer, .on_reload = reload::needs_restart, .min = 1, .max = 64,
         .help = "Not used yet: accepted so that files setting it stay valid. Each run opens a session for "
                 "its landing and one for the identity resolution after it, besides one for the leases; a "
                 "shared pool of this size comes with the database executor."},
        &database_config::pool_size},
    row{{.name = "connect_timeout", .kind = value_kind::duration, .on_reload = reload::needs_restart, .min = 1,
         .max = 300, .help = "How long one connection attempt may take."},
        &database_config::connect_timeout},
    row{{.name = "statement_timeout", .kind = value_kind::duration, .on_reload = reload::needs_restart, .min = 1,
         .max = 86400,
         .help = "How long one statement may run: a full resolution's largest (indexing ten million "
                 "rows) takes minutes, so the default only ends what is stuck."},
        &database_config::statement_timeout},
    row{{.name = "lock_timeout", .kind = value_kind::duration, .on_reload = reload::needs_restart, .min = 0.1,
         .max = 3600,
         .help = "How long a statement may wait for a lock another session holds; a landing batch "
                 "that times out is tried again twice, then the run fails naming the holders."},
        &database_config::lock_timeout},
    row{{.name = "tcp_user_timeout", .kind = value_kind::duration, .on_reload = reload::needs_restart, .min = 1,
         .max = 3600,
         .help = "How long sent data may stay unacknowledged before the connection is dropped (with "
                 "TCP keepalives every 10 s after 30 s idle: a server that vanished without a reset "
                 "is noticed within about a minute)."},
        &database_config::tcp_user_timeout},
};


std::string percent_encode(std::string_view value) {
  std::string out;
  for (const unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

bool is_uri(std::string_view conninfo) {
  return conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
}

// A `password` keyword, a password in a URI's userinfo (`user:pw@`) or a `password=` parameter.
bool carries_password(std::string_view conninfo) {
  if (!is_uri(conninfo)) {
    for (std::size_t at = ifind_ascii(conninfo, "password"); at != std::string_view::npos;
         at = ifind_ascii(conninfo, "password", at + 1)) {
      if (at > 0 && trim_ascii(conninfo.substr(at - 1, 1)).size() == 1) continue;  // part of a longer word
      const std::size_t next = conninfo.find_first_not_of(" \t\r\n\f\v", at + 8);
      if (next != std::string_view::npos && conninfo[next] == '=') return true;
    }
    return false;
  }
  const std::string_view rest = conninfo.substr(conninfo.find("://") + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/@"));
  if (authority.size() < rest.size() && rest[authority.size()] == '@' && authority.find(':') != std::string_view::npos) {
    return true;
  }
  return ifind_ascii(conninfo, "?password=") != std::string_view::npos ||
         ifind_ascii(conninfo, "&password=") != std::string_view::npos;
}

}  // namespace

const config::key_table<database_config>& database_config::table() {
  static const config::key_table<database_config> table(rows);
  return table;
}

bool is_valid_schema_name(std::string_view name) {
  const auto lower_or_underscore = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  return !name.empty() && name.size() <= 63 && lower_or_underscore(name.front()) &&
         std::all_of(name.begin(), name.end(), [&](char c) { return lower_or_underscore(c) || (c >= '0' && c <= '9'); });
}

database_config database_config::from_config(const config::section& s) {
  database_config out;
  table().read(s, out);
  if (carries_password(out.conninfo)) {
    // The message must not repeat the conninfo: it holds the password.
    s.error("conninfo", "holds a password: secrets are never written in the config file; use password_file "
                        "or password_env");
    out.conninfo.clear();
  }
  if (const auto problem = conninfo_problem(out.conninfo)) s.error("conninfo", "cannot be read: " + *problem);
  if (!is_valid_schema_name(out.schema)) {
    s.error("schema", fmt::format("'{}' is not a valid schema name: lowercase letters, digits and '_', at most 63",
                                  out.schema));
  }
  return out;
}

std::string libpq_connection_string(const database_config& cfg) {
  const auto timeout_s = std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(cfg.connect_timeout).count());
  // Keepalives and the unacknowledged-data bound notice a server that vanished without a reset
  // (a failover, a cut link), where the socket would otherwise wait for ever.
  const std::array<std::pair<std::string_view, std::string>, 7> ours{{
      {"connect_timeout", std::to_string(timeout_s)},
      {"application_name", cfg.application_name},
      {"keepalives", "1"},
      {"keepalives_idle", "30"},
      {"keepalives_interval", "10"},
      {"keepalives_count", "3"},
      {"tcp_user_timeout", std::to_string(cfg.tcp_user_timeout.count())},
  }};
  if (is_uri(cfg.conninfo)) {
    std::string out = cfg.conninfo;
    const auto add = [&](std::string_view key, std::string_view value) {
      out += out.find('?') == std::string::npos ? '?' : '&';
      out += fmt::format("{}={}", key, percent_encode(value));
    };
    for (const auto& [key, value] : ours) add(key, value);
    if (cfg.password) add("password", cfg.password->reveal());
    return out;
  }
  // A keyword/value conninfo goes out as a URI too: SOCI splits a connection string at spaces
  // before libpq sees it, so a quoted value holding one (a password, an application name)
  // would be cut apart. libpq reads the keywords; each becomes a percent-encoded parameter,
  // ours first, since a later parameter wins and the operator's conninfo may override ours.
  std::string out = "postgresql://";
  const auto add = [&](std::string_view key, std::string_view value) {
    out += out.find('?') == std::string::npos ? '?' : '&';
    out += fmt::format("{}={}", key, percent_encode(value));
  };
  for (const auto& [key, value] : ours) add(key, value);
  PQconninfoOption* options = PQconninfoParse(cfg.conninfo.c_str(), nullptr);
  if (!options) throw std::invalid_argument("[database] conninfo is not a libpq connection string");
  for (const PQconninfoOption* o = options; o->keyword; ++o) {
    if (o->val) add(o->keyword, o->val);
  }
  PQconninfoFree(options);
  if (cfg.password) add("password", cfg.password->reveal());
  return out;
}

std::optional<std::string> conninfo_problem(std::string_view conninfo) {
  if (is_uri(conninfo)) return std::nullopt;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(conninfo).c_str(), &error);
  if (options) {
    PQconninfoFree(options);
    return std::nullopt;
  }
  std::string message = error ? error : "libpq cannot read it";
  PQfreemem(error);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace personsync::store
