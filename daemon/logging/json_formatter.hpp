#pragma once
// One JSON object a line: {"time":"…Z","level":"info","msg":"…"}.

#include <memory>

#include <spdlog/formatter.h>

namespace personsync::logging {

class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override;
};

// Appends `text` to `dest` as the body of a JSON string (quotes not included).
void append_json_escaped(std::string_view text, spdlog::memory_buf_t& dest);

}  // namespace personsync::logging
