#include "connectors/whop/whop_item.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "connectors/json_fields.hpp"

namespace personsync::whop {
namespace {

using connectors::field_error;
using connectors::fields;

// campaigns, ad_sets, ads: [{id, name?, thumbnail_url?}], copied after checking.
boost::json::value attribution_list(const fields& item, std::string_view key) {
  const boost::json::array* list = item.optional_array(key);
  if (!list) return boost::json::array{};
  boost::json::array out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& entry = (*list)[i];
    if (!entry.is_object()) {
      throw field_error(fmt::format("{}[{}] must be an object, got {}", key, i, connectors::json_kind_name(entry)));
    }
    const fields f(entry.get_object());
    try {
      boost::json::object checked;
      checked["id"] = f.required_string("id");
      const auto name = f.nullable_string("name");
      const auto thumbnail = f.nullable_string("thumbnail_url");
      checked["name"] = name ? boost::json::value(*name) : boost::json::value(nullptr);
      checked["thumbnail_url"] = thumbnail ? boost::json::value(*thumbnail) : boost::json::value(nullptr);
      out.push_back(std::move(checked));
    } catch (const field_error& e) {
      throw field_error(fmt::format("{}[{}]: {}", key, i, e.what()));
    }
  }
  return out;
}

template <typename T>
boost::json::value or_null(const std::optional<T>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

}  // namespace

std::variant<connectors::source_record, std::string> map_person(const boost::json::value& item,
                                                                 const std::string& scope,
                                                                 std::chrono::system_clock::time_point observed_at) {
  if (!item.is_object()) return fmt::format("an item must be an object, got {}", connectors::json_kind_name(item));
  const fields f(item.get_object());
  try {
    connectors::source_record r;
    r.source = "whop";
    r.scope = scope;
    r.source_key = f.required_string("id");
    const std::string person_id = f.required_string("person_id");
    const auto email = f.nullable_string("email");
    const auto phone = f.nullable_string("phone");

    r.identifiers.push_back({"whop_user_id", r.source_key});
    r.identifiers.push_back({"whop_person_id", person_id});
    if (email) r.identifiers.push_back({"email", *email});
    if (phone) r.identifiers.push_back({"phone", *phone});

    boost::json::object& a = r.attributes;
    a["name"] = or_null(f.nullable_string("name"));
    a["email"] = or_null(email);
    a["phone"] = or_null(phone);
    a["first_seen_at"] = f.required_integer("first_seen_at");
    a["last_seen_at"] = f.required_integer("last_seen_at");
    a["purchase_count"] = f.required_integer("purchase_count");
    a["has_failed_payment"] = or_null(f.optional_boolean("has_failed_payment"));
    a["ltv"] = or_null(f.optional_number("ltv"));
    a["aov"] = or_null(f.optional_number("aov"));
    a["campaigns"] = attribution_list(f, "campaigns");
    a["ad_sets"] = attribution_list(f, "ad_sets");
    a["ads"] = attribution_list(f, "ads");

    r.payload = boost::json::serialize(item);
    r.observed_at = observed_at;
    return r;
  } catch (const field_error& e) {
    return std::string(e.what());
  }
}

}  // namespace personsync::whop
