#include "daemon/sync/refresh.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "connectors/posthog/person_lookup.hpp"
#include "connectors/source_client.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/source_lock.hpp"

namespace personsync::sync {

refresh_result refresh_person(const store::database_config& database, const posthog::posthog_source_config& source,
                              const std::string& id_or_uuid) {
  boost::asio::io_context io;  // first: destroyed after everything registered with it
  const auto session = store::connect(database);
  if (!store::try_lock_source(*session, database.schema, source.source.name)) {
    throw source_busy("another personsync process is syncing source '" + source.source.name + "'");
  }
  store::landing_store store(*session);
  const store::run_identity run{source.source.name, "posthog", source.scope(), store::run_mode::refresh, std::nullopt, std::nullopt};
  refresh_result result;
  result.run_id = store.begin_run(run);

  connectors::source_client client(io.get_executor(), source.source);
  posthog::person_lookup lookup(source, client.driver());
  std::optional<connectors::source_record> person;
  std::exception_ptr error;
  boost::asio::co_spawn(io, lookup.retrieve(id_or_uuid), [&](std::exception_ptr e, std::optional<connectors::source_record> r) {
    error = e;
    person = std::move(r);
  });
  io.run();
  try {
    if (error) std::rethrow_exception(error);
    if (person) {
      result.uuid = person->source_key;
      result.counts = store.land(result.run_id, run, {*person}, {}, std::nullopt);
    }
    store.finish_run(result.run_id, store::run_outcome{store::run_status::succeeded});
  } catch (const std::exception& e) {
    store.finish_run(result.run_id, store::run_outcome{store::run_status::failed, 0, store::describe(e)});
    throw;
  }
  return result;
}

}  // namespace personsync::sync
