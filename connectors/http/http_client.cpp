#include "connectors/http/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <thread>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include "connectors/http/url.hpp"

namespace personsync::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// What failed in a TLS handshake, in OpenSSL's words where it judged the certificate: "unable to get
// local issuer certificate", "certificate has expired", …; asio's message ("certificate verify failed")
// says only that something did.
std::string why_tls_failed(SSL* ssl, bool name_mismatch, const std::string& host, const boost::system::error_code& ec) {
  if (name_mismatch) return fmt::format("the certificate is not for {} (host name mismatch)", host);
  const long verdict = SSL_get_verify_result(ssl);
  if (verdict != X509_V_OK) {
    return fmt::format("{} (certificate verify error {})", X509_verify_cert_error_string(verdict), verdict);
  }
  return ec.message();
}

struct connection {
  std::variant<std::unique_ptr<plain_stream>, std::unique_ptr<tls_stream>> stream;
  beast::flat_buffer buffer;
  clock::time_point idle_since = clock::now();

  beast::tcp_stream& lowest() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(*s); }, stream);
  }
};

transport_error::kind kind_of(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return transport_error::kind::timeout;
  if (ec == asio::error::operation_aborted) return transport_error::kind::cancelled;
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) return transport_error::kind::body_too_large;
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe || ec == bhttp::error::partial_message || ec == ssl::error::stream_truncated) {
    return transport_error::kind::closed;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return transport_error::kind::protocol;
  }
  return transport_error::kind::connect;
}

// A reused connection the server closed while it sat idle: safe to send again on a new one.
bool is_stale(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::optional<std::string_view> http_response::header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lowercase_name) return value;
  }
  return std::nullopt;
}

class http_client::impl {
 public:
  struct acquired {
    std::unique_ptr<connection> conn;
    bool reused;
  };

  struct exchange_result {
    beast::error_code ec;
    http_response response;
    bool keep_alive = false;
  };

  impl(asio::any_io_executor executor, client_options options)
      : executor_(std::move(executor)), options_(std::move(options)), tls_(ssl::context::tls_client) {
    tls_.set_verify_mode(ssl::verify_peer);
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (options_.ca_file) {
      tls_.load_verify_file(options_.ca_file->string());
    } else {
      tls_.set_default_verify_paths();
    }
  }

  asio::awaitable<http_response> send(const http_request& request) {
    const std::optional<endpoint> target = parse_endpoint(request.url);
    if (!target) throw transport_error(transport_error::kind::refused, fmt::format("not an http(s) URL: {}", request.url));
    if (!target->is_tls() && !is_loopback_host(target->host) && !options_.allow_insecure_http) {
      throw transport_error(transport_error::kind::refused,
                            fmt::format("refusing plain http to {} (allow_insecure_http is off)", target->host));
    }

    for (int attempt = 0;; ++attempt) {
      // Plain variables, not structured bindings of co_await results: GCC 12 miscompiles those.
      acquired taken = co_await acquire(*target);
      exchange_result result = co_await exchange(*taken.conn, *target, request);
      if (!result.ec) {
        if (result.keep_alive) release(target->origin(), std::move(taken.conn));
        co_return std::move(result.response);
      }
      if (taken.reused && attempt == 0 && is_stale(result.ec)) continue;  // the server closed it while idle
      throw transport_error(kind_of(result.ec),
                            fmt::format("{} {}: {}", request.method, target->origin(), result.ec.message()));
    }
  }

  std::size_t connections_opened() const noexcept { return opened_; }

 private:
  asio::awaitable<acquired> acquire(const endpoint& target) {
    auto& idle = idle_[target.origin()];
    while (!idle.empty()) {
      std::unique_ptr<connection> conn = std::move(idle.back());
      idle.pop_back();
      if (clock::now() - conn->idle_since < options_.idle_timeout) co_return acquired{std::move(conn), true};
    }
    std::unique_ptr<connection> fresh = co_await open(target);
    co_return acquired{std::move(fresh), false};
  }

  void release(const std::string& origin, std::unique_ptr<connection> conn) {
    auto& idle = idle_[origin];
    if (idle.size() >= options_.max_idle_per_host) return;
    conn->idle_since = clock::now();
    idle.push_back(std::move(conn));
  }

  // The addresses of the target's host, within connect_timeout. getaddrinfo cannot be interrupted
  // (a silent DNS server holds it for its retries: 5 s x 2 per nameserver by default, unbounded
  // under some NSS modules), and asio's own resolver thread is joined when the io_context goes, so
  // a hung lookup would also hold the process's exit. The lookup runs on a detached thread of its
  // own; the coroutine waits on a timer that the answer cancels, and an answer that comes after the
  // coroutine gave up (or after its frame was destroyed) finds it gone and is dropped.
  asio::awaitable<tcp::resolver::results_type> resolve(const endpoint& target) {
    struct lookup {
      std::mutex mutex;
      bool abandoned = false;  // under mutex: the coroutine no longer waits; its executor may be gone
      asio::steady_timer* wake = nullptr;  // the coroutine's, while it waits (touched on its executor only)
      boost::system::error_code ec;
      tcp::resolver::results_type results;
      bool answered = false;
    };
    struct abandon_on_exit {
      std::shared_ptr<lookup> state;
      ~abandon_on_exit() {
        const std::lock_guard lock(state->mutex);
        state->abandoned = true;
        state->wake = nullptr;
      }
    };
    auto state = std::make_shared<lookup>();
    asio::steady_timer wake(executor_, options_.connect_timeout);
    state->wake = &wake;
    const abandon_on_exit guard{state};
    std::thread([state, host = target.host, port = target.port, executor = executor_] {
      asio::io_context own;  // a synchronous resolve runs getaddrinfo on this thread
      tcp::resolver resolver(own);
      boost::system::error_code ec;
      tcp::resolver::results_type results = resolver.resolve(host, port, ec);
      const std::lock_guard lock(state->mutex);
      if (state->abandoned) return;
      asio::post(executor, [state, ec, results = std::move(results)]() mutable {
        if (!state->wake) return;  // gave up meanwhile
        state->ec = ec;
        state->results = std::move(results);
        state->answered = true;
        state->wake->cancel();
      });
    }).detach();
    auto [wec] = co_await wake.async_wait(use_tuple);
    if (!state->answered) {
      if (wec == asio::error::operation_aborted) {
        throw transport_error(transport_error::kind::cancelled, fmt::format("resolving {}: cancelled", target.host));
      }
      throw transport_error(transport_error::kind::timeout,
                            fmt::format("resolving {}: no answer within {} ms", target.host, options_.connect_timeout.count()));
    }
    if (state->ec) {
      throw transport_error(transport_error::kind::resolve, fmt::format("resolving {}: {}", target.host, state->ec.message()));
    }
    co_return std::move(state->results);
  }

  asio::awaitable<std::unique_ptr<connection>> open(const endpoint& target) {
    const tcp::resolver::results_type endpoints = co_await resolve(target);
    auto tcp_stream = std::make_unique<plain_stream>(executor_);
    tcp_stream->expires_after(options_.connect_timeout);
    auto [cec, ep] = co_await tcp_stream->async_connect(endpoints, use_tuple);
    if (cec) {
      throw transport_error(cec == beast::error::timeout ? transport_error::kind::timeout : kind_of(cec),
                            fmt::format("connecting to {}: {}", target.origin(), cec.message()));
    }
    tcp_stream->socket().set_option(tcp::no_delay(true));
    ++opened_;

    auto conn = std::make_unique<connection>();
    if (!target.is_tls()) {
      conn->stream = std::move(tcp_stream);
      co_return conn;
    }

    auto tls = std::make_unique<tls_stream>(std::move(*tcp_stream), tls_);
    if (!SSL_set_tlsext_host_name(tls->native_handle(), target.host.c_str())) {
      throw transport_error(transport_error::kind::tls, fmt::format("setting SNI for {}", target.host));
    }
    // The chain is checked by OpenSSL, the name here: a chain OpenSSL accepted that this refuses is a
    // certificate for another name. Shared, as the stream keeps the callback beyond this frame.
    auto name_mismatch = std::make_shared<bool>(false);
    tls->set_verify_callback([name_mismatch, check = ssl::host_name_verification(target.host)](
                                 bool preverified, ssl::verify_context& ctx) mutable {
      const bool ok = check(preverified, ctx);
      if (preverified && !ok) *name_mismatch = true;
      return ok;
    });
    beast::get_lowest_layer(*tls).expires_after(options_.connect_timeout);
    auto [hec] = co_await tls->async_handshake(ssl::stream_base::client, use_tuple);
    if (hec) {
      throw transport_error(hec == beast::error::timeout ? transport_error::kind::timeout : transport_error::kind::tls,
                            fmt::format("TLS handshake with {}: {}", target.origin(),
                                        why_tls_failed(tls->native_handle(), *name_mismatch, target.host, hec)));
    }
    conn->stream = std::move(tls);
    co_return conn;
  }

  asio::awaitable<exchange_result> exchange(connection& conn, const endpoint& target, const http_request& request) {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), target.target, 11};
    req.set(bhttp::field::host, target.host_header());
    req.set(bhttp::field::user_agent, options_.user_agent);
    req.set(bhttp::field::accept, "application/json");
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (request.bearer) req.set(bhttp::field::authorization, std::string("Bearer ").append(request.bearer->reveal()));
    req.body() = request.body;
    req.prepare_payload();

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options_.body_limit);
    parser.header_limit(64 * 1024);

    conn.lowest().expires_after(options_.request_timeout);
    exchange_result result;
    // No coroutine lambda through std::visit: GCC 12 may end a temporary's life across co_await.
    if (auto* plain = std::get_if<std::unique_ptr<plain_stream>>(&conn.stream)) {
      result.ec = co_await write_then_read(**plain, req, conn.buffer, parser);
    } else {
      result.ec = co_await write_then_read(*std::get<std::unique_ptr<tls_stream>>(conn.stream), req, conn.buffer, parser);
    }
    if (result.ec) co_return result;

    bhttp::response<bhttp::string_body> res = parser.release();
    result.response.status = static_cast<int>(res.result_int());
    for (const auto& field : res) result.response.headers.emplace_back(lowercase(field.name_string()), field.value());
    result.response.body = std::move(res.body());
    result.keep_alive = res.keep_alive();
    co_return result;
  }

  template <typename Stream>
  static asio::awaitable<beast::error_code> write_then_read(Stream& stream, bhttp::request<bhttp::string_body>& req,
                                                            beast::flat_buffer& buffer,
                                                            bhttp::response_parser<bhttp::string_body>& parser) {
    auto [wec, written] = co_await bhttp::async_write(stream, req, use_tuple);
    if (wec) co_return wec;
    auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    co_return rec;
  }

  asio::any_io_executor executor_;
  client_options options_;
  ssl::context tls_;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
  std::size_t opened_ = 0;
};

http_client::http_client(boost::asio::any_io_executor executor, client_options options)
    : impl_(std::make_unique<impl>(std::move(executor), std::move(options))) {}

http_client::~http_client() = default;

boost::asio::awaitable<http_response> http_client::send(http_request request) {
  co_return co_await impl_->send(request);
}

std::size_t http_client::connections_opened() const noexcept { return impl_->connections_opened(); }

}  // namespace personsync::net
