#include "connectors/whop/whop_item.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "connectors/json_fields.hpp"
#include "connectors/whop/whop_ids.hpp"

namespace personsync::whop {
namespace {

using connectors::field_error;
using connectors::fields;

// {id, name?, thumbnail_url?}, checked.
boost::json::object ad_entity(const boost::json::value& entry, std::string_view where) {
  if (!entry.is_object()) {
    throw field_error(fmt::format("{} must be an object, got {}", where, connectors::json_kind_name(entry)));
  }
  const fields f(entry.get_object());
  try {
    boost::json::object checked;
    checked["id"] = f.required_string("id");
    const auto name = f.nullable_string("name");
    const auto thumbnail = f.nullable_string("thumbnail_url");
    checked["name"] = name ? boost::json::value(*name) : boost::json::value(nullptr);
    checked["thumbnail_url"] = thumbnail ? boost::json::value(*thumbnail) : boost::json::value(nullptr);
    return checked;
  } catch (const field_error& e) {
    throw field_error(fmt::format("{}: {}", where, e.what()));
  }
}

void add_unique(boost::json::array& list, boost::json::object entity) {
  for (const auto& e : list) {
    if (e.get_object().at("id") == entity.at("id")) return;
  }
  list.push_back(std::move(entity));
}

// The seed's campaigns, ad_sets and ads lists, and the current API's first and last
// marketing touches (first_source/last_source with campaign, ad_group, ad), as one
// attribution: the same three lists, whichever shape the server sent.
struct attribution {
  boost::json::array campaigns, ad_sets, ads;
};

attribution attribution_of(const fields& item) {
  attribution out;
  const auto read_list = [&](std::string_view key, boost::json::array& into) {
    const boost::json::array* list = item.optional_array(key);
    if (!list) return;
    for (std::size_t i = 0; i < list->size(); ++i) add_unique(into, ad_entity((*list)[i], fmt::format("{}[{}]", key, i)));
  };
  read_list("campaigns", out.campaigns);
  read_list("ad_sets", out.ad_sets);
  read_list("ads", out.ads);
  for (const char* touch : {"first_source", "last_source"}) {
    const boost::json::object* source = item.optional_object(touch);
    if (!source) continue;
    const fields s(*source);
    const auto read_one = [&](const char* key, boost::json::array& into) {
      if (const boost::json::object* entity = s.optional_object(key)) {
        add_unique(into, ad_entity(*entity, fmt::format("{}.{}", touch, key)));
      }
    };
    read_one("campaign", out.campaigns);
    read_one("ad_group", out.ad_sets);
    read_one("ad", out.ads);
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
    const whop_ids ids = read_ids(f);
    r.source_key = ids.record_key;
    const auto email = f.nullable_string("email");
    const auto phone = f.nullable_string("phone");

    for (const std::string& user : ids.user_ids) r.identifiers.push_back({"whop_user_id", user});
    for (const std::string& person : ids.person_ids) r.identifiers.push_back({"whop_person_id", person});
    if (email) r.identifiers.push_back({"email", *email});
    if (phone) r.identifiers.push_back({"phone", *phone});

    boost::json::object& a = r.attributes;
    a["name"] = or_null(f.nullable_string("name"));
    a["email"] = or_null(email);
    a["phone"] = or_null(phone);
    a["first_seen_at"] = f.required_timestamp("first_seen_at");
    a["last_seen_at"] = f.required_timestamp("last_seen_at");
    a["purchase_count"] = f.required_integer("purchase_count");
    a["has_failed_payment"] = or_null(f.optional_boolean("has_failed_payment"));
    a["ltv"] = or_null(f.optional_number("ltv"));
    a["aov"] = or_null(f.optional_number("aov"));
    attribution touches = attribution_of(f);
    a["campaigns"] = std::move(touches.campaigns);
    a["ad_sets"] = std::move(touches.ad_sets);
    a["ads"] = std::move(touches.ads);

    r.payload = boost::json::serialize(item);
    r.observed_at = observed_at;
    return r;
  } catch (const field_error& e) {
    return std::string(e.what());
  }
}

}  // namespace personsync::whop
