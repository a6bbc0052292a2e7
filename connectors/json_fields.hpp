#pragma once
// Reading a provider's JSON object against its contract, field by field. Each
// getter throws field_error with the field and the rule it broke, which the
// connector turns into a rejection of that one item.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace personsync::connectors {

class field_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "a string", "null", "an integer", … for messages.
std::string_view json_kind_name(const boost::json::value& v);

class fields {
 public:
  explicit fields(const boost::json::object& object) : object_(object) {}

  [[nodiscard]] std::string required_string(std::string_view key) const;
  // Absent or null: nullopt.
  [[nodiscard]] std::optional<std::string> nullable_string(std::string_view key) const;
  // A time kept as the provider wrote it (fractions, zone), which must be one (is_iso_timestamp).
  [[nodiscard]] std::optional<std::string> nullable_timestamp_text(std::string_view key) const;
  [[nodiscard]] std::int64_t required_integer(std::string_view key) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(std::string_view key) const;
  // Unix seconds, sent either as an integer (Whop's seed) or an ISO 8601 UTC string (its current API).
  [[nodiscard]] std::int64_t required_timestamp(std::string_view key) const;
  [[nodiscard]] std::optional<bool> optional_boolean(std::string_view key) const;
  [[nodiscard]] std::optional<double> optional_number(std::string_view key) const;
  // Absent or null: nullptr.
  [[nodiscard]] const boost::json::array* optional_array(std::string_view key) const;
  [[nodiscard]] const boost::json::object* optional_object(std::string_view key) const;

 private:
  [[noreturn]] void wrong(std::string_view key, std::string_view expected, const boost::json::value& got) const;
  const boost::json::object& object_;
};

}  // namespace personsync::connectors
