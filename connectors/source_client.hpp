#pragma once
// What one source needs to talk to its provider, built once from its config:
// an HTTP client, the cancellation scope of its work, and the page driver over
// both, with the credential's rate limiter (shared by every source on that key).

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "connectors/http/http_client.hpp"
#include "connectors/paging/cancel_scope.hpp"
#include "connectors/paging/page_driver.hpp"
#include "connectors/source_config.hpp"

namespace personsync::connectors {

class source_client {
 public:
  // `limiter`: the credential's, from a rate_limiter_registry; null for one of the source's own.
  // `observer`: optional, hears of every request as it ends.
  source_client(boost::asio::any_io_executor executor, const source_config& source,
                std::shared_ptr<paging::rate_limiter> limiter = nullptr, paging::request_observer* observer = nullptr)
      : http_(std::move(executor), source.http),
        driver_(http_, limiter ? std::move(limiter) : std::make_shared<paging::rate_limiter>(source.rate_limit),
                source.driver_options(), scope_, observer) {}

  source_client(const source_client&) = delete;
  source_client& operator=(const source_client&) = delete;

  [[nodiscard]] net::http_client& http() noexcept { return http_; }
  [[nodiscard]] paging::cancel_scope& scope() noexcept { return scope_; }
  [[nodiscard]] paging::page_driver& driver() noexcept { return driver_; }

 private:
  net::http_client http_;
  paging::cancel_scope scope_;  // before the driver, which keeps a reference to it
  paging::page_driver driver_;
};

}  // namespace personsync::connectors
