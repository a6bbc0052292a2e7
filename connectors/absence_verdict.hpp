#pragma once
// What a provider says of a record that a complete sweep did not deliver.
// Absence from one sweep proves nothing (pages shift while people change):
// a lookup decides, and only `gone` and `merged` may retire the record.

#include <optional>

#include "connectors/source_record.hpp"

namespace personsync::connectors {

struct absence_verdict {
  enum class kind { still_there, merged, gone } what = kind::gone;
  std::optional<source_record> record;  // still_there: the record as it is; merged: the one that absorbed it
};

}  // namespace personsync::connectors
