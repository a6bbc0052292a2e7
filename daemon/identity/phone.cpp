#include "daemon/identity/phone.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace personsync::identity {
namespace {

struct numbering_plan {
  std::string_view country_code;
  std::size_t min_nsn;
  std::size_t max_nsn;
  char trunk;  // national trunk prefix
  bool (*valid)(std::string_view nsn);
};

bool nanp_valid(std::string_view nsn) { return nsn[0] >= '2' && nsn[3] >= '2'; }
bool not_zero_led(std::string_view nsn) { return nsn[0] != '0'; }
bool brazil_valid(std::string_view nsn) {
  // Area codes are 11-99 without a zero digit; an 11-digit number is a mobile, starting with 9.
  return nsn[0] != '0' && nsn[1] != '0' && (nsn.size() == 10 || nsn[2] == '9');
}

constexpr numbering_plan nanp{"1", 10, 10, '1', nanp_valid};
constexpr numbering_plan uk{"44", 9, 10, '0', not_zero_led};
constexpr numbering_plan germany{"49", 6, 13, '0', not_zero_led};
constexpr numbering_plan france{"33", 9, 9, '0', not_zero_led};
constexpr numbering_plan india{"91", 10, 10, '0', not_zero_led};
constexpr numbering_plan brazil{"55", 10, 11, '0', brazil_valid};

struct region_plan {
  std::string_view region;
  const numbering_plan* plan;
};
constexpr std::array regions{region_plan{"US", &nanp}, region_plan{"CA", &nanp}, region_plan{"GB", &uk},
                             region_plan{"DE", &germany}, region_plan{"FR", &france}, region_plan{"IN", &india},
                             region_plan{"BR", &brazil}};
constexpr std::array<std::string_view, regions.size()> region_names{"US", "CA", "GB", "DE", "FR", "IN", "BR"};
constexpr std::array plans{&nanp, &uk, &germany, &france, &india, &brazil};

const numbering_plan* plan_of_region(std::string_view region) {
  for (const region_plan& r : regions) {
    if (r.region == region) return r.plan;
  }
  return nullptr;
}

bool fits(const numbering_plan& plan, std::string_view nsn) {
  return nsn.size() >= plan.min_nsn && nsn.size() <= plan.max_nsn && plan.valid(nsn);
}

// The significant number after a national trunk prefix, or as written if it has none.
std::optional<std::string> national_significant(const numbering_plan& plan, std::string_view digits) {
  if (fits(plan, digits)) return std::string(digits);
  if (!digits.empty() && digits[0] == plan.trunk) {
    const std::string_view rest = digits.substr(1);
    if (fits(plan, rest)) return std::string(rest);
    // Brazil's long-distance form: 0, a two-digit carrier code, then the number.
    if (&plan == &brazil && rest.size() > 2 && fits(plan, rest.substr(2))) return std::string(rest.substr(2));
  }
  return std::nullopt;
}

std::optional<std::string> international(std::string_view digits) {
  for (const numbering_plan* plan : plans) {
    if (!digits.starts_with(plan->country_code)) continue;
    std::string_view nsn = digits.substr(plan->country_code.size());
    // "+44 (0)20 …": the trunk prefix written after the country code.
    if (plan->trunk == '0' && !nsn.empty() && nsn[0] == '0') nsn = nsn.substr(1);
    if (!fits(*plan, nsn)) return std::nullopt;
    return "+" + std::string(plan->country_code) + std::string(nsn);
  }
  if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') return std::nullopt;
  return "+" + std::string(digits);
}

}  // namespace

std::span<const std::string_view> phone_regions() { return region_names; }

std::optional<std::string> normalize_phone(std::string_view raw, std::string_view default_region) {
  std::string digits;
  bool plus = false;
  std::size_t i = 0;
  for (; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '\t') {
      continue;
    } else {
      break;
    }
  }
  // What follows the number may only be an extension.
  if (i < raw.size()) {
    std::string rest;
    for (; i < raw.size(); ++i) rest.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(raw[i]))));
    std::string_view tail = rest;
    for (std::string_view mark : {"ext.", "ext", "x", "#"}) {
      if (tail.starts_with(mark)) {
        tail.remove_prefix(mark.size());
        break;
      }
    }
    if (tail.size() == rest.size()) return std::nullopt;
    if (!std::all_of(tail.begin(), tail.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == ' '; })) {
      return std::nullopt;
    }
  }
  if (digits.empty()) return std::nullopt;

  const numbering_plan* home = plan_of_region(default_region);
  if (plus) return international(digits);
  if (digits.starts_with("00")) return international(std::string_view(digits).substr(2));
  if (home == &nanp && digits.starts_with("011")) return international(std::string_view(digits).substr(3));
  if (!home) return std::nullopt;
  const auto nsn = national_significant(*home, digits);
  if (!nsn) return std::nullopt;
  return "+" + std::string(home->country_code) + *nsn;
}

}  // namespace personsync::identity
