#include "daemon/sync/posthog_sync.hpp"

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/iso_time.hpp"
#include "connectors/posthog/person_lookup.hpp"
#include "connectors/posthog/persons_stream.hpp"
#include "daemon/identity/upstream_split.hpp"

namespace personsync::sync {
planned_sweep posthog_sync::plan(const store::source_state& state, bool force_full,
                                 std::chrono::system_clock::time_point now) {
  const boost::json::object cursor = cursor_of(state);
  const auto* interrupted = cursor.if_contains("in_progress");
  const auto* last_started = cursor.if_contains("last_started_at");

  store::run_mode mode = store::run_mode::full;
  std::optional<std::string> updated_after;
  if (interrupted && interrupted->is_object()) {
    const auto& o = interrupted->get_object();
    mode = store::run_mode_named(o.at("mode").as_string()).value_or(store::run_mode::full);
    if (const auto* u = o.if_contains("updated_after"); u && u->is_string()) updated_after = std::string(u->get_string());
  } else if (!force_full && state.last_full_sweep_at && last_started && last_started->is_string()) {
    if (const auto since = parse_iso_seconds(std::string(last_started->get_string()))) {
      mode = store::run_mode::incremental;
      updated_after = iso_seconds(*since - cfg_.incremental_overlap);
    }
  }

  planned_sweep sweep;
  sweep.run = {cfg_.source.name, "posthog", cfg_.scope(), mode, std::nullopt, std::nullopt};
  auto stream = std::make_unique<posthog::persons_stream>(cfg_, updated_after);
  sweep.may_delete = stream->complete_sweep();
  sweep.stream = std::move(stream);
  boost::json::object progress{{"mode", name_of(mode)}};
  if (updated_after) progress["updated_after"] = *updated_after;
  boost::json::object checkpoint{{"in_progress", std::move(progress)}};
  if (last_started) checkpoint["last_started_at"] = *last_started;
  sweep.checkpoint = boost::json::serialize(checkpoint);
  sweep.cursor_when_done = boost::json::serialize(boost::json::object{{"last_started_at", iso_seconds(now)}});
  return sweep;
}

boost::asio::awaitable<absence_report> posthog_sync::judge_unseen(const planned_sweep&,
                                                                  std::vector<store::unseen_record> unseen,
                                                                  paging::page_driver& driver) {
  absence_report report;
  posthog::person_lookup lookup(cfg_, driver);
  for (auto& u : unseen) {
    const posthog::missing_person missing{u.source_key, u.distinct_ids};
    file_verdict(report, std::move(u.source_key), co_await lookup.confirm_absence(missing));
  }
  co_return report;
}

void posthog_sync::note_page(const paging::page_result& page) {
  for (const connectors::source_record& r : page.records) {
    for (const connectors::identifier& id : r.identifiers) {
      if (id.kind == "posthog_distinct_id" && identity::posthog_split_uuid(r.scope, id.value) == r.source_key) {
        split_offs_.emplace_back(id.value, r.source_key);
      }
    }
  }
}

std::vector<std::string> posthog_sync::stale_keys(store::landing_store& store) {
  if (split_offs_.empty()) return {};
  std::vector<std::string> ids, offs;
  for (const auto& [distinct_id, uuid] : split_offs_) {
    ids.push_back(distinct_id);
    offs.push_back(uuid);
  }
  std::vector<std::string> keys = store.holders_of_distinct_ids("posthog", cfg_.scope(), ids, offs);
  if (!keys.empty()) {
    spdlog::info("{}: {} persons split off upstream; reading again the {} they left", cfg_.source.name,
                 split_offs_.size(), keys.size());
  }
  split_offs_.clear();
  return keys;
}

boost::asio::awaitable<std::vector<connectors::source_record>> posthog_sync::reread(std::vector<std::string> keys,
                                                                                    paging::page_driver& driver) {
  std::vector<connectors::source_record> out;
  posthog::person_lookup lookup(cfg_, driver);
  for (std::string& key : keys) {
    // One that is gone (404) is left for the next full sweep to prove.
    if (auto record = co_await lookup.retrieve(std::move(key))) out.push_back(std::move(*record));
  }
  co_return out;
}

}  // namespace personsync::sync
