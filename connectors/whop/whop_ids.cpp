#include "connectors/whop/whop_ids.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace personsync::whop {
namespace {

void add_distinct(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

whop_id_kind classify_id(std::string_view value) noexcept {
  return value.starts_with("user_") ? whop_id_kind::user : whop_id_kind::person;
}

whop_ids read_ids(const connectors::fields& item) {
  std::vector<std::string> values;
  const std::string id = item.required_string("id");
  values.push_back(id);
  if (const auto person_id = item.nullable_string("person_id")) values.push_back(*person_id);
  if (const boost::json::object* user = item.optional_object("user")) {
    const connectors::fields u(*user);
    try {
      values.push_back(u.required_string("id"));
    } catch (const connectors::field_error& e) {
      throw connectors::field_error(fmt::format("user: {}", e.what()));
    }
  }
  if (const boost::json::array* user_ids = item.optional_array("user_ids")) {
    for (std::size_t i = 0; i < user_ids->size(); ++i) {
      const auto& v = (*user_ids)[i];
      if (!v.is_string()) {
        throw connectors::field_error(
            fmt::format("user_ids[{}] must be a string, got {}", i, connectors::json_kind_name(v)));
      }
      values.emplace_back(v.get_string());
    }
  }

  whop_ids out;
  std::optional<std::string> prefixed_person;
  for (const std::string& value : values) {
    if (value.empty()) continue;  // an empty id links nothing and keys nothing
    if (classify_id(value) == whop_id_kind::user) {
      add_distinct(out.user_ids, value);
    } else {
      add_distinct(out.person_ids, value);
      if (!prefixed_person && value.starts_with("prsn_")) prefixed_person = value;
    }
  }
  if (id.empty() && !prefixed_person) throw connectors::field_error("`id` is empty and the item has no person id");
  out.record_key = prefixed_person.value_or(id);
  return out;
}

}  // namespace personsync::whop
