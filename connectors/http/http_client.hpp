#pragma once
// An HTTP/1.1 client on Boost.Beast and C++20 coroutines: keep-alive
// connections pooled per origin, TLS that verifies the chain and the host name,
// a timeout on every operation and a limit on every body. One client belongs to
// one io_context thread. Cancellation follows Asio's per-operation model: the
// cancellation slot of the awaiting coroutine aborts the request in flight.

#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "connectors/http/http_types.hpp"

namespace personsync::net {

class http_client {
 public:
  http_client(boost::asio::any_io_executor executor, client_options options);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // Sends the request and reads the whole response, of any status. Throws
  // transport_error when there is no complete response. A kept-alive connection
  // found closed by the server is replaced once, transparently.
  // By value: a coroutine outlives the full expression that called it.
  boost::asio::awaitable<http_response> send(http_request request);

  // Connections opened since construction (tests check reuse with it).
  [[nodiscard]] std::size_t connections_opened() const noexcept;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace personsync::net
