#include "tests/support/tls_certs.hpp"

#include <stdexcept>

namespace personsync::testing {
namespace {

void openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const process_result r = run_process(argv);
  if (r.exit_code != 0) throw std::runtime_error("openssl " + args.front() + " failed: " + r.err);
}

}  // namespace

test_certificates::test_certificates()
    : ca(dir.path() / "ca.pem"),
      server_cert(dir.path() / "server.pem"),
      server_key(dir.path() / "server.key"),
      expired_cert(dir.path() / "expired.pem") {
  const auto p = [&](const char* name) { return (dir.path() / name).string(); };
  const std::vector<std::string> ec_key{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};

  std::vector<std::string> make_ca{"req", "-x509"};
  make_ca.insert(make_ca.end(), ec_key.begin(), ec_key.end());
  make_ca.insert(make_ca.end(), {"-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2", "-subj",
                                 "/CN=personsync test CA"});
  openssl(make_ca);

  std::vector<std::string> make_csr{"req"};
  make_csr.insert(make_csr.end(), ec_key.begin(), ec_key.end());
  make_csr.insert(make_csr.end(), {"-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=localhost"});
  openssl(make_csr);

  dir.write("san.cnf", "subjectAltName=DNS:localhost\n");
  for (const auto& [out, days] : {std::pair{"server.pem", "2"}, std::pair{"expired.pem", "-1"}}) {
    openssl({"x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial",
             "-out", p(out), "-days", days, "-extfile", p("san.cnf")});
  }
}

}  // namespace personsync::testing
