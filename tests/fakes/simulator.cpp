#include "tests/fakes/simulator.hpp"

#include "common/iso_time.hpp"
#include "common/json/precise_parse.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fmt/format.h>

namespace personsync::fakes {
namespace {

sim_reply json_reply(int status, const boost::json::value& body) {
  sim_reply reply;
  reply.status = status;
  reply.body = boost::json::serialize(body);
  return reply;
}

sim_reply control_error(std::string_view message) { return json_reply(400, boost::json::object{{"error", message}}); }

}  // namespace

namespace {

struct both_providers {
  generated_people people;
  explicit both_providers(const generator_options& options) : people(generate_people(options)) {}
};

bool is_posthog(const sim_request& r) { return r.path.starts_with("/api/projects/"); }

// The fault's error body in the shape of the provider the request was for.
sim_reply error_for(const sim_request& r, int status, std::string_view type, std::string_view message) {
  if (!is_posthog(r)) return whop_error(status, type, message);
  sim_reply reply;
  reply.status = status;
  reply.body = boost::json::serialize(
      boost::json::object{{"type", "server_error"}, {"code", type}, {"detail", message}, {"attr", nullptr}});
  return reply;
}

}  // namespace

simulator::simulator(simulator_options options)
    : simulator(generate_people([&] {
                  auto people = options.people;
                  people.posthog_project = options.posthog.project_id;
                  return people;
                }()),
                std::move(options)) {}

simulator::simulator(generated_people people, simulator_options options)
    : whop_(std::move(people.whop), options.whop),
      posthog_(std::move(people.posthog), options.posthog),
      faults_(options.fault_seed),
      latency_(options.latency) {}

sim_reply simulator::handle(const sim_request& request) {
  sim_reply reply = request.path.starts_with("/_control/") ? control(request) : api(request);
  const double at = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
  if (!request.path.starts_with("/_control/")) {
    const std::string& auth = request.authorization;
    log_.push_back({at, request.method, auth.size() >= 4 ? auth.substr(auth.size() - 4) : auth, request.target, reply.status});
  }
  return reply;
}

sim_reply simulator::serve(const sim_request& request) {
  static constexpr std::string_view people = "/api/v1/people";
  if (request.path == people && request.method == "GET") return whop_.list_people(request, unix_now());
  if (request.path.starts_with(people) && request.path[people.size()] == '/' && request.method == "GET") {
    return whop_.retrieve_person(request, request.path.substr(people.size() + 1));
  }
  if (is_posthog(request)) {
    const double now_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    return posthog_.handle(request, now_ms);
  }
  return whop_error(404, "not_found", "No such endpoint.");
}

sim_reply simulator::api(const sim_request& request) {
  sim_reply reply;
  const std::optional<fault_rule> fault = faults_.pick(request.path);
  if (fault && fault->kind != fault_kind::close_mid_body && fault->kind != fault_kind::slow) {
    reply = apply_fault(*fault, request);
  } else {
    reply = serve(request);
    if (fault && fault->kind == fault_kind::close_mid_body) reply.close_mid_body = true;
    if (fault && fault->kind == fault_kind::slow) reply.delay = std::chrono::milliseconds(fault->delay_ms);
  }
  reply.delay += latency_;
  // Every reply carries the server's clock, which for Whop may run ahead (clock_offset_seconds).
  reply.headers.emplace_back("Date", http_date(std::chrono::system_clock::from_time_t(is_posthog(request) ? unix_now() : whop_.now())));
  return reply;
}

sim_reply simulator::apply_fault(const fault_rule& fault, const sim_request& request) {
  switch (fault.kind) {
    case fault_kind::status_429: {
      sim_reply r = error_for(request, 429, "rate_limit_exceeded", "Too many requests.");
      r.headers.emplace_back("Retry-After", std::to_string(fault.retry_after));
      return r;
    }
    case fault_kind::status_500: return error_for(request, 500, "internal_server_error", "Something went wrong.");
    case fault_kind::status_502: return error_for(request, 502, "bad_gateway", "Bad gateway.");
    case fault_kind::status_503: return error_for(request, 503, "service_unavailable", "Try again later.");
    case fault_kind::malformed_json: {
      sim_reply r = serve(request);
      r.body = r.body.substr(0, r.body.size() / 2) + "<html>oops";
      return r;
    }
    case fault_kind::wrong_types: {
      sim_reply r;
      r.body = is_posthog(request) ? R"({"results":{"unexpected":"object"},"next":42,"count":"many"})"
                                   : R"({"data":{"unexpected":"object"},"total_count":"many"})";
      return r;
    }
    case fault_kind::slow:
    case fault_kind::close_mid_body: break;  // applied to the real reply by api()
  }
  return error_for(request, 500, "internal_server_error", "unhandled fault");
}

sim_reply simulator::control(const sim_request& request) {
  boost::json::object body;
  if (!request.body.empty()) {
    boost::system::error_code ec;
    const boost::json::value parsed = json::parse_precise(request.body, ec);
    if (ec || !parsed.is_object()) return control_error("the body must be a JSON object");
    body = parsed.get_object();
  }
  const std::string& path = request.path;

  if (path == "/_control/truth" && request.method == "GET") {
    return json_reply(200, boost::json::object{{"whop", whop_.truth()}, {"posthog", posthog_.truth()}});
  }
  if (path == "/_control/posthog/persons" && request.method == "POST") {
    const std::string error = posthog_.control(body);
    return error.empty() ? json_reply(200, boost::json::object{{"ok", true}}) : control_error(error);
  }
  if (path == "/_control/posthog/settings" && request.method == "POST") {
    const std::string error = posthog_.settings(body);
    return error.empty() ? json_reply(200, boost::json::object{{"ok", true}}) : control_error(error);
  }
  if (path == "/_control/whop/settings" && request.method == "POST") {
    const std::string error = whop_.settings(body);
    return error.empty() ? json_reply(200, boost::json::object{{"ok", true}}) : control_error(error);
  }
  if (path == "/_control/whop/people" && request.method == "POST") {
    const std::string error = whop_.control(body);
    return error.empty() ? json_reply(200, boost::json::object{{"ok", true}}) : control_error(error);
  }
  if (path == "/_control/faults" && request.method == "POST") {
    std::string error;
    auto rule = parse_fault_rule(body, error);
    if (!rule) return control_error(error);
    faults_.add(std::move(*rule));
    return json_reply(200, boost::json::object{{"ok", true}});
  }
  if (path == "/_control/faults" && request.method == "DELETE") {
    faults_.clear();
    return json_reply(200, boost::json::object{{"ok", true}});
  }
  if (path == "/_control/latency" && request.method == "POST") {
    const auto* ms = body.if_contains("ms");
    if (!ms || !ms->is_int64()) return control_error("ms is required");
    latency_ = std::chrono::milliseconds(ms->get_int64());
    return json_reply(200, boost::json::object{{"ok", true}});
  }
  if (path == "/_control/requests" && request.method == "GET") {
    boost::json::array out;
    for (const logged_request& r : log_) {
      out.push_back(boost::json::object{
          {"at_ms", r.at_ms}, {"method", r.method}, {"key", r.key}, {"target", r.target}, {"status", r.status}});
    }
    return json_reply(200, out);
  }
  if (path == "/_control/requests" && request.method == "DELETE") {
    log_.clear();
    return json_reply(200, boost::json::object{{"ok", true}});
  }
  return json_reply(404, boost::json::object{{"error", "no such control endpoint"}});
}

std::size_t most_requests_within(const std::vector<logged_request>& log, double window_ms) {
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; i < log.size(); ++i) {
    while (log[i].at_ms - log[j].at_ms >= window_ms) ++j;
    most = std::max(most, i - j + 1);
  }
  return most;
}

}  // namespace personsync::fakes
