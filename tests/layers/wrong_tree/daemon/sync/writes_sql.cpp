// A file that breaks the layers on purpose, for cmake/check_layers.cmake's own test
// (tests/CMakeLists.txt): it is never compiled.
const char* const statement = "SELECT 1 FROM source_records";
