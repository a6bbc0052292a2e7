#include "tests/support/private_cluster.hpp"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace personsync::testing {
namespace {

std::string script() { return std::string(PERSONSYNC_SOURCE_DIR) + "/scripts/lib/pg_cluster"; }

}  // namespace

private_cluster::private_cluster() : env_file_(dir_.path() / "pg.env") {
  const process_result r = run_process({script(), "start", env_file_.string()});
  if (r.exit_code != 0) throw std::runtime_error("could not start a private cluster: " + r.err);
  std::ifstream in(env_file_);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) values_[line.substr(0, eq)] = line.substr(eq + 1);
  }
}

private_cluster::~private_cluster() { run_process({script(), "stop", env_file_.string()}); }

std::string private_cluster::password() const {
  std::ifstream in(value("PGTEST_PASSWORD_FILE"));
  std::string password;
  std::getline(in, password);
  return password;
}

std::string private_cluster::conninfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + value("PGTEST_PORT") + " user=postgres dbname=" + database;
}

void private_cluster::restart() const { pg_ctl("restart"); }
void private_cluster::stop_server() const { pg_ctl("stop"); }
// `restart` of a stopped server starts it with the options it last ran with (postmaster.opts): port, socket.
void private_cluster::start_server() const { pg_ctl("restart"); }

void private_cluster::crash_and_restart() const {
  pg_ctl("stop", "immediate");
  start_server();
}

void private_cluster::pg_ctl(const std::string& action, const std::string& mode) const {
  // -l: the started server must not keep our output pipe open.
  std::vector<std::string> argv{value("PGTEST_BIN") + "/pg_ctl", "-D", value("PGTEST_DIR") + "/data", "-m", mode,
                                "-l", value("PGTEST_DIR") + "/server.log", "-w", action};
  if (geteuid() == 0) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  const process_result r = run_process(argv);
  if (r.exit_code != 0) throw std::runtime_error("pg_ctl " + action + " failed: " + r.err);
}

}  // namespace personsync::testing
