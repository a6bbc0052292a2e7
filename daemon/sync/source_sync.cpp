#include "daemon/sync/source_sync.hpp"

#include <boost/json/parse.hpp>

namespace personsync::sync {

boost::json::object cursor_of(const store::source_state& state) {
  if (!state.cursor) return {};
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(*state.cursor, ec);
  return !ec && parsed.is_object() ? parsed.get_object() : boost::json::object{};
}

}  // namespace personsync::sync
