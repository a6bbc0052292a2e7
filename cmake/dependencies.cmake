# Every dependency comes from Debian's packages (see scripts/setup).

find_package(Boost 1.81 EXACT REQUIRED)        # header parts; compiled once in common/separate_compilation
find_package(OpenSSL REQUIRED)
find_package(PostgreSQL REQUIRED)              # libpq: COPY goes through the native connection
find_package(SOCI REQUIRED)                    # cmake/FindSOCI.cmake: Debian ships no config for it
find_package(tomlplusplus REQUIRED)
find_package(spdlog REQUIRED)
find_package(prometheus-cpp REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)  # blocked_patterns: linear-time matching of provider values
