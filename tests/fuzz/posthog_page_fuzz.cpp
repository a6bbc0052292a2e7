// The PostHog persons page parser on any body a server could send: read or
// refused with a std::exception, never a crash or undefined behaviour.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "connectors/posthog/persons_stream.hpp"

using namespace personsync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const posthog::posthog_source_config cfg = [] {
    posthog::posthog_source_config c;
    c.source.name = "fuzz";
    c.source.base_url = "http://127.0.0.1:1";
    c.project_id = 1;
    return c;
  }();
  net::http_response response;
  response.status = 200;
  response.body.assign(reinterpret_cast<const char*>(data), size);
  try {
    posthog::persons_stream stream(cfg);
    const auto first = stream.first_requests();
    (void)stream.parse_page(first.front(), response);
  } catch (const std::exception&) {
  }
  return 0;
}
