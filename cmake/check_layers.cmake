# The layers' one-way dependencies, checked on every build that changed a source:
# a file that includes what its layer may not know fails the build, naming the
# file, the line and the rule. Run as `cmake -DSOURCE_DIR=... -DSTAMP=... -P`.
#
# Each rule: a folder, and regular expressions its #include lines must not match.
# An include of the standard library or a header-only library is allowed unless a
# rule names it.

set(rules
  # The identity model does no I/O and reads no config file: no database, network, log,
  # TOML, files or processes, and nothing of the layers above it.
  "daemon/identity|[<\"](soci/|libpq|boost/asio|boost/beast|spdlog/|toml\\+\\+/|prometheus/|fstream|iostream|cstdio|filesystem|unistd\\.h|sys/|netinet/|arpa/)|\"(daemon/(store|sync|resolution|runtime|cli|http|logging|settings)/|connectors/|common/config/)|identity does no I/O and reads no config"
  # Connectors know the providers and HTTP, never the store or anything else of the daemon.
  "connectors|\"daemon/|connectors never include daemon code"
  # Shared code is below everything.
  "common|\"(daemon|connectors)/|common/ is shared by all and includes none of them"
  # The store keeps data; it does not schedule, serve, sync or take commands.
  "daemon/store|\"daemon/(runtime|cli|sync|resolution|http|settings)/|store/ knows no runtime, CLI, sync or resolution"
  "daemon/sync|\"daemon/(runtime|cli|settings)/|sync/ knows no runtime, CLI or config file"
  "daemon/resolution|\"daemon/(runtime|cli|sync)/|resolution/ knows no runtime, CLI or sync")

# Rules on any line, not only includes: all SQL lives in store/ (a statement's text in a
# string literal elsewhere fails the build).
set(sql_statement_text "\"(SELECT|INSERT INTO|UPDATE [a-z_.]+ SET|DELETE FROM|WITH [a-z_]+ AS) ")
set(content_rules "")
foreach(folder IN ITEMS daemon/sync daemon/resolution daemon/runtime daemon/cli daemon/http)
  list(APPEND content_rules "${folder}|${sql_statement_text}|all SQL lives in store/")
endforeach()

# A rule's parts: the first is the folder, the last the reason; the ones between are the
# pattern's alternatives.
function(split_rule rule)
  string(REPLACE "|" ";" parts "${rule}")
  list(GET parts 0 first)
  list(POP_BACK parts last)
  list(REMOVE_AT parts 0)
  list(JOIN parts "|" between)
  set(folder "${first}" PARENT_SCOPE)
  set(reason "${last}" PARENT_SCOPE)
  set(forbidden "${between}" PARENT_SCOPE)
endfunction()

set(violations "")
foreach(rule IN LISTS content_rules)
  split_rule("${rule}")
  file(GLOB_RECURSE files "${SOURCE_DIR}/${folder}/*.cpp" "${SOURCE_DIR}/${folder}/*.hpp")
  foreach(file IN LISTS files)
    file(STRINGS "${file}" lines REGEX "${forbidden}")
    foreach(line IN LISTS lines)
      file(RELATIVE_PATH relative "${SOURCE_DIR}" "${file}")
      string(STRIP "${line}" line)
      string(APPEND violations "  ${relative}: ${line}   (${reason})\n")
    endforeach()
  endforeach()
endforeach()

foreach(rule IN LISTS rules)
  split_rule("${rule}")
  file(GLOB_RECURSE files "${SOURCE_DIR}/${folder}/*.cpp" "${SOURCE_DIR}/${folder}/*.hpp")
  foreach(file IN LISTS files)
    file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS lines)
      if(line MATCHES "${forbidden}")
        file(RELATIVE_PATH relative "${SOURCE_DIR}" "${file}")
        string(APPEND violations "  ${relative}: ${line}   (${reason})\n")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "includes that cross a layer the wrong way:\n${violations}")
endif()
file(TOUCH "${STAMP}")
