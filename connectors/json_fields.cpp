#include "connectors/json_fields.hpp"

#include <fmt/format.h>

#include "common/iso_time.hpp"

namespace personsync::connectors {

std::string_view json_kind_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "an integer";
    case boost::json::kind::double_: return "a float";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

void fields::wrong(std::string_view key, std::string_view expected, const boost::json::value& got) const {
  throw field_error(fmt::format("field '{}' must be {}, got {}", key, expected, json_kind_name(got)));
}

std::string fields::required_string(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (!v) throw field_error(fmt::format("required field '{}' is missing", key));
  if (!v->is_string()) wrong(key, "a string", *v);
  return std::string(v->get_string());
}

std::optional<std::string> fields::nullable_string(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) wrong(key, "a string or null", *v);
  return std::string(v->get_string());
}

std::int64_t fields::required_integer(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (!v) throw field_error(fmt::format("required field '{}' is missing", key));
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  wrong(key, "an integer", *v);
}

std::optional<std::int64_t> fields::optional_integer(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  return required_integer(key);
}

std::optional<std::string> fields::nullable_timestamp_text(std::string_view key) const {
  auto text = nullable_string(key);
  if (text && !is_iso_timestamp(*text)) wrong(key, "an ISO 8601 time between 1900 and 2200", *object_.if_contains(key));
  return text;
}

std::int64_t fields::required_timestamp(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (v && v->is_string()) {
    if (const auto t = parse_iso_seconds(std::string(v->get_string()))) return unix_seconds(*t);
    wrong(key, "an ISO 8601 time between 1900 and 2200, or unix seconds", *v);
  }
  const std::int64_t seconds = required_integer(key);
  if (!time_of_unix_seconds(seconds)) wrong(key, "unix seconds between 1900 and 2200", *v);
  return seconds;
}

std::optional<bool> fields::optional_boolean(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) wrong(key, "a boolean", *v);
  return v->get_bool();
}

std::optional<double> fields::optional_number(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  wrong(key, "a number", *v);
}

const boost::json::array* fields::optional_array(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_array()) wrong(key, "an array", *v);
  return &v->get_array();
}

const boost::json::object* fields::optional_object(std::string_view key) const {
  const auto* v = object_.if_contains(key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_object()) wrong(key, "an object", *v);
  return &v->get_object();
}

}  // namespace personsync::connectors
