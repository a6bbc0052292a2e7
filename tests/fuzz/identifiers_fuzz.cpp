// Email and phone normalization on any provider text: a value is normalized or
// refused, and a normalized value normalizes to itself.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/identity/email.hpp"
#include "daemon/identity/phone.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace personsync::identity;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto email = normalize_email(text)) {
    if (normalize_email(*email) != email) std::abort();
    (void)loosen_email(*email);
  }
  for (const std::string_view region : phone_regions()) {
    if (const auto phone = normalize_phone(text, region)) {
      if (normalize_phone(*phone, region) != phone) std::abort();
    }
  }
  return 0;
}
