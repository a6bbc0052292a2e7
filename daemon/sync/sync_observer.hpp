#pragma once
// What a sync reports while it runs, for live metrics: every provider request
// (through the page driver) and how many records wait between network and
// database. Called from the sync's event loop and its writer threads.

#include <cstddef>
#include <string_view>

#include "connectors/paging/request_observer.hpp"

namespace personsync::sync {

class sync_observer : public paging::request_observer {
 public:
  // Records fetched and not yet handed to the database writer of `source`.
  virtual void queue_depth(std::string_view source, std::size_t records) = 0;
};

}  // namespace personsync::sync
