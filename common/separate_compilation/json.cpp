// The one translation unit that compiles Boost.JSON (Debian's all-dev set ships no libboost_json).
#include <boost/json/src.hpp>
