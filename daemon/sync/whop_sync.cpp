#include "daemon/sync/whop_sync.hpp"

#include <boost/json.hpp>

#include "connectors/whop/people_lookup.hpp"
#include "connectors/whop/whop_stream.hpp"

namespace personsync::sync {

planned_sweep whop_sync::plan(const store::source_state& state, bool force_full,
                              std::chrono::system_clock::time_point now) {
  const boost::json::object cursor = cursor_of(state);
  const auto* interrupted = cursor.if_contains("in_progress");
  const auto* last_to = cursor.if_contains("last_to");

  planned_sweep sweep;
  whop::time_window window;
  store::run_mode mode = store::run_mode::full;
  if (interrupted && interrupted->is_object()) {
    // A run was killed mid-sweep: do that sweep again (landing is idempotent; unchanged records cost nothing).
    const auto& o = interrupted->get_object();
    mode = store::run_mode_named(o.at("mode").as_string()).value_or(store::run_mode::full);
    window = {o.at("from").to_number<std::int64_t>(), o.at("to").to_number<std::int64_t>()};
  } else if (force_full || !state.last_full_sweep_at || !last_to || !last_to->is_number()) {
    mode = store::run_mode::full;
    window = whop::full_sweep_window(cfg_, now);
  } else {
    mode = store::run_mode::incremental;
    window = whop::incremental_window(cfg_, last_to->to_number<std::int64_t>(), now);
  }

  sweep.run = {cfg_.source.name, "whop", cfg_.scope(), mode, window.from, window.to};
  const bool full = mode == store::run_mode::full;
  const whop::sweep_kind kind = full ? whop::sweep_kind::full : whop::sweep_kind::incremental;
  sweep.stream = std::make_unique<whop::people_stream>(cfg_, whop::whop_sweep{kind, window}, now);
  sweep.may_delete = full && cfg_.filters.empty();
  boost::json::object checkpoint{{"in_progress", {{"mode", name_of(mode)}, {"from", window.from}, {"to", window.to}}}};
  if (last_to) checkpoint["last_to"] = *last_to;
  sweep.checkpoint = boost::json::serialize(checkpoint);
  sweep.cursor_when_done = boost::json::serialize(boost::json::object{{"last_to", window.to}});
  return sweep;
}

boost::asio::awaitable<absence_report> whop_sync::judge_unseen(const planned_sweep& sweep,
                                                               std::vector<store::unseen_record> unseen,
                                                               paging::page_driver& driver) {
  absence_report report;
  const auto* stream = dynamic_cast<const whop::people_stream*>(sweep.stream.get());
  if (stream && stream->api() == whop::people_api::cursor) {
    // The current API answers for one person: 404 gone, another profile merged, the same one skipped.
    whop::people_lookup lookup(cfg_, driver);
    for (auto& u : unseen) {
      const std::string key = u.source_key;
      file_verdict(report, std::move(u.source_key), co_await lookup.confirm_absence(key));
    }
    co_return report;
  }
  // The seed's API has no retrieve. Its full sweep is ordered by first_seen_at, which
  // updates do not move; deletions during the sweep still shift offsets and can skip
  // a person once, so only a second complete sweep missing it too proves it gone.
  for (auto& u : unseen) {
    const bool inside_window = u.last_seen_at && *u.last_seen_at >= *sweep.run.window_from &&
                               *u.last_seen_at <= *sweep.run.window_to;
    if (!inside_window) continue;  // falling out of the window is not leaving Whop
    (u.absent_since_run ? report.gone : report.absent).push_back(std::move(u.source_key));
  }
  co_return report;
}

}  // namespace personsync::sync
