#include "daemon/store/sql_arrays.hpp"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace personsync::store {
namespace {

std::string braced(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "}";
}

}  // namespace

std::string id_array(const std::vector<std::int64_t>& ids) { return "'" + braced(ids) + "'::bigint[]"; }

std::string id_relation(std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return "(SELECT unnest(" + id_array(ids) + ") AS id) wanted";
}

std::string json_strings(const std::vector<std::string>& values) {
  boost::json::array a;
  for (const std::string& v : values) a.emplace_back(v);
  return boost::json::serialize(a);
}

std::string uuid_array(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + ids[i];
  return out + "}";
}

}  // namespace personsync::store
