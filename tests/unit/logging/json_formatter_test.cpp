#include <regex>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include "daemon/logging/json_formatter.hpp"

namespace personsync::logging {
namespace {

TEST(JsonFormatter, WritesOneParsableObjectPerLine) {
  const std::string text = "quote \" backslash \\ newline \n tab \t bell \a emoji \xF0\x9F\x98\x80";
  spdlog::details::log_msg msg(spdlog::source_loc{}, "personsync", spdlog::level::warn, text);
  spdlog::memory_buf_t out;
  json_formatter().format(msg, out);
  const std::string line(out.data(), out.size());

  ASSERT_TRUE(line.ends_with("}\n"));
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  const boost::json::object parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("level").as_string(), "warning");
  EXPECT_EQ(parsed.at("msg").as_string(), text);
  EXPECT_TRUE(std::regex_match(std::string(parsed.at("time").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

}  // namespace
}  // namespace personsync::logging
