#include "connectors/posthog/person_item.hpp"

#include <cstdint>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "connectors/json_fields.hpp"

namespace personsync::posthog {
namespace {

using connectors::field_error;
using connectors::fields;

// The first of `keys` in the properties that holds a string (others are ignored, not errors:
// properties are free-form).
std::optional<std::string> property_text(const boost::json::object* properties, std::initializer_list<const char*> keys) {
  if (!properties) return std::nullopt;
  for (const char* key : keys) {
    if (const auto* v = properties->if_contains(key); v && v->is_string()) return std::string(v->get_string());
  }
  return std::nullopt;
}

// `id` as the integer the retrieve sends, or null: absent, the list's uuid string, or anything else
// (the landing keys on `uuid`, so a person is never rejected for its `id`).
boost::json::value integer_id(const boost::json::object& item) {
  const auto* id = item.if_contains("id");
  if (id && id->is_int64()) return id->get_int64();
  if (id && id->is_uint64() && id->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(id->get_uint64());
  }
  return nullptr;
}

}  // namespace

std::variant<connectors::source_record, std::string> map_person(const boost::json::value& item,
                                                                 const std::string& scope,
                                                                 std::chrono::system_clock::time_point observed_at) {
  if (!item.is_object()) return fmt::format("a person must be an object, got {}", connectors::json_kind_name(item));
  const fields f(item.get_object());
  try {
    connectors::source_record r;
    r.source = "posthog";
    r.scope = scope;
    r.source_key = f.required_string("uuid");
    const boost::json::array* distinct_ids = f.optional_array("distinct_ids");
    if (!distinct_ids) throw field_error("required field 'distinct_ids' is missing");
    for (std::size_t i = 0; i < distinct_ids->size(); ++i) {
      const auto& id = (*distinct_ids)[i];
      if (!id.is_string()) {
        throw field_error(fmt::format("distinct_ids[{}] must be a string, got {}", i, connectors::json_kind_name(id)));
      }
      r.identifiers.push_back({"posthog_distinct_id", std::string(id.get_string())});
    }
    const boost::json::object* properties = f.optional_object("properties");
    const auto email = property_text(properties, {"email", "$email"});
    const auto phone = property_text(properties, {"phone", "$phone"});
    if (email) r.identifiers.push_back({"email", *email});
    if (phone) r.identifiers.push_back({"phone", *phone});

    boost::json::object& a = r.attributes;
    // The retrieve sends PostHog's integer id; the list serializes persons as actors whose `id`
    // is the uuid string. Kept when it is the integer; lookups go by uuid either way.
    a["id"] = integer_id(item.get_object());
    const auto name = f.nullable_string("name");
    a["name"] = name ? boost::json::value(*name) : boost::json::value(nullptr);
    const auto created_at = f.nullable_timestamp_text("created_at");  // lands in a timestamptz column
    a["created_at"] = created_at ? boost::json::value(*created_at) : boost::json::value(nullptr);
    a["email"] = email ? boost::json::value(*email) : boost::json::value(nullptr);
    a["phone"] = phone ? boost::json::value(*phone) : boost::json::value(nullptr);
    a["properties"] = properties ? boost::json::value(*properties) : boost::json::value(boost::json::object{});

    r.payload = boost::json::serialize(item);
    r.observed_at = observed_at;
    return r;
  } catch (const field_error& e) {
    return std::string(e.what());
  }
}

}  // namespace personsync::posthog
