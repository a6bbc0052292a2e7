#pragma once
// A credential value. It cannot be printed, formatted, streamed or converted:
// the only way to its bytes is reveal(), which is meant to be called at the one
// place that puts it on the wire (an Authorization header, a libpq password).

#include <string>
#include <string_view>

namespace personsync {

class secret {
 public:
  explicit secret(std::string value) : value_(std::move(value)) {}
  secret(const secret&) = default;
  secret(secret&&) noexcept = default;
  secret& operator=(const secret&) = default;
  secret& operator=(secret&&) noexcept = default;
  ~secret();

  [[nodiscard]] std::string_view reveal() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

  friend bool operator==(const secret& a, const secret& b) noexcept { return a.value_ == b.value_; }

 private:
  std::string value_;
};

}  // namespace personsync
