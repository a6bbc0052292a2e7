#include "daemon/sync/source_sync.hpp"

#include <boost/json/parse.hpp>

namespace personsync::sync {

void file_verdict(absence_report& report, std::string source_key, connectors::absence_verdict verdict) {
  using kind = connectors::absence_verdict::kind;
  switch (verdict.what) {
    case kind::still_there:
      report.still_there.push_back(std::move(*verdict.record));
      break;
    case kind::merged:
      report.merged.emplace_back(std::move(source_key), verdict.record->source_key);
      report.still_there.push_back(std::move(*verdict.record));  // the absorbing record, as it is now
      break;
    case kind::gone:
      report.gone.push_back(std::move(source_key));
      break;
  }
}

boost::json::object cursor_of(const store::source_state& state) {
  if (!state.cursor) return {};
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(*state.cursor, ec);
  return !ec && parsed.is_object() ? parsed.get_object() : boost::json::object{};
}

}  // namespace personsync::sync
