// A file that breaks the layers on purpose, for cmake/check_layers.cmake's own test
// (tests/CMakeLists.txt): it is never compiled.
#include <soci/soci.h>
