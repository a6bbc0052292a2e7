# Generates a C++ source holding every schema/NNNN_name.sql, so that the binary
# carries its own migrations. Run in script mode:
#   cmake -DSCHEMA_DIR=... -DOUTPUT=... -P embed_migrations.cmake

cmake_minimum_required(VERSION 3.25)

file(GLOB files RELATIVE "${SCHEMA_DIR}" "${SCHEMA_DIR}/*.sql")
list(SORT files)

set(entries "")
set(seen_versions "")
foreach(file IN LISTS files)
  if(NOT file MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "schema/${file}: migration files are named NNNN_name.sql (lowercase name)")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  if(version IN_LIST seen_versions)
    message(FATAL_ERROR "schema/${file}: version ${CMAKE_MATCH_1} is used twice")
  endif()
  list(APPEND seen_versions ${version})
  file(READ "${SCHEMA_DIR}/${file}" sql)
  string(FIND "${sql}" ")personsync_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "schema/${file} contains the raw-string delimiter )personsync_sql\"")
  endif()
  string(APPEND entries "    {${version}, \"${name}\", R\"personsync_sql(${sql})personsync_sql\"},\n")
endforeach()

set(content "// Generated from schema/*.sql by cmake/embed_migrations.cmake. Do not edit.
#include \"daemon/store/migrations.hpp\"

namespace personsync::store {
namespace {
constexpr migration all_migrations[] = {
${entries}};
}  // namespace

std::span<const migration> bundled_migrations() { return all_migrations; }

}  // namespace personsync::store
")

# Rewrite only on change, so that an unchanged schema does not recompile anything.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
  if(previous STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
