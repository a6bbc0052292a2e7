#pragma once
// What a provider tells the page driver (the shape of Airbyte's HttpStream):
// which requests start a sweep, how to read a page into records, and which
// further requests a page implies. Everything else — retries, rate limits,
// concurrency, deduplication, cancellation — is the driver's, once for all.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/http_types.hpp"
#include "connectors/paging/sweep_counts.hpp"
#include "connectors/source_record.hpp"

namespace personsync::paging {

struct page_request {
  net::http_request http;
  std::int64_t position = 0;  // where the page starts in the stream (an offset, for offset paging)
  std::string_view endpoint = "unnamed";  // a fixed name for metrics ("persons.list"), never the URL
};

struct page_result {
  std::vector<connectors::source_record> records;
  std::vector<connectors::rejected_item> rejected;
  std::vector<page_request> follow_ups;  // further pages this one revealed
  std::int64_t position = 0;             // of the request it answers
  std::uint64_t replaced_characters = 0; // made storable (NUL, lone surrogates, invalid UTF-8)
};

// The page as a whole breaks the contract (not JSON, `data` missing, …): it is
// retried like a server error and never half-applied.
class bad_page : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class source_stream {
 public:
  virtual ~source_stream() = default;

  virtual std::vector<page_request> first_requests() = 0;
  // Throws bad_page; rejects single items into page_result::rejected instead.
  virtual page_result parse_page(const page_request& request, const net::http_response& response) = 0;
  // The provider's error type and message from an error response (never a token).
  [[nodiscard]] virtual std::string describe_error(const net::http_response& response) const = 0;
  // Checks at the end of a complete sweep (e.g. collected against total_count).
  virtual void finish(sweep_counts& counts) { (void)counts; }
};

// A stream that only describes errors, for single requests (lookups) that fail as a sweep's pages do.
class error_describer final : public source_stream {
 public:
  using describe_fn = std::string (*)(const net::http_response&);
  explicit error_describer(describe_fn describe) : describe_(describe) {}
  std::vector<page_request> first_requests() override { return {}; }
  page_result parse_page(const page_request&, const net::http_response&) override { return {}; }
  [[nodiscard]] std::string describe_error(const net::http_response& r) const override { return describe_(r); }

 private:
  describe_fn describe_;
};

}  // namespace personsync::paging
