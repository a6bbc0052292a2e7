// The Whop page parsers, both People APIs, on any body a server could send: a
// page is read or refused (paging::bad_page and other std::exceptions are the
// documented refusals); anything else — a crash, a leak, undefined behaviour —
// is a bug. The first byte picks the API.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "connectors/whop/cursor_people_stream.hpp"
#include "connectors/whop/offset_people_stream.hpp"

using namespace personsync;

namespace {

whop::whop_source_config fuzz_config() {
  whop::whop_source_config cfg;
  cfg.source.name = "fuzz";
  cfg.source.base_url = "http://127.0.0.1:1/api/v1";
  cfg.account_id = "biz_fuzz";
  return cfg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const whop::whop_source_config cfg = fuzz_config();
  static const auto now = std::chrono::system_clock::now();
  if (size == 0) return 0;
  net::http_response response;
  response.status = 200;
  response.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  const whop::whop_sweep sweep{whop::sweep_kind::full, whop::full_sweep_window(cfg, now)};
  try {
    if (data[0] & 1) {
      whop::cursor_people_stream stream(cfg, sweep, now);
      const auto first = stream.first_requests();
      (void)stream.parse_page(first.front(), response);
    } else {
      whop::offset_people_stream stream(cfg, sweep);
      const auto first = stream.first_requests();
      (void)stream.parse_page(first.front(), response);
    }
  } catch (const std::exception&) {
  }
  return 0;
}
