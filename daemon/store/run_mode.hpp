#pragma once
// What a sync run reads, as sync_runs.mode and a checkpoint's in_progress.mode hold it.

#include <optional>
#include <string_view>

#include "common/enum_names.hpp"

namespace personsync::store {

enum class run_mode {
  full,         // the whole source: the only kind that may prove deletes
  incremental,  // what changed since the last run, with an overlap
  refresh,      // one person, by hand (`personsync refresh`)
};

constexpr std::string_view name_of(run_mode m) noexcept {
  switch (m) {
    case run_mode::full: return "full";
    case run_mode::incremental: return "incremental";
    case run_mode::refresh: return "refresh";
  }
  return "full";
}

// The mode `name` names, as name_of writes it; nullopt for any other text.
constexpr std::optional<run_mode> run_mode_named(std::string_view name) noexcept {
  return enum_named(name, {run_mode::full, run_mode::incremental, run_mode::refresh});
}

}  // namespace personsync::store
