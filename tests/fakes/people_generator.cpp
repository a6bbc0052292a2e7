#include "tests/fakes/people_generator.hpp"

#include "common/iso_time.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>

#include <fmt/format.h>

namespace personsync::fakes {
namespace {

using rng_t = std::mt19937_64;

constexpr std::array<std::string_view, 16> first_names{
    "Ada", "José", "Zoë", "Li", "Amara", "Olivier", "Priya", "Søren",
    "Mia", "Noah", "Yuki", "Fatima", "Liam", "Chloé", "Mateo", "Anaïs"};
constexpr std::array<std::string_view, 12> last_names{
    "Lovelace", "Müller", "O'Brien", "Nakamura", "Okafor", "Dubois",
    "Sharma", "Kowalski", "García", "Smith", "Nguyen", "Johansson"};
// Names that break naive code: quotes, backslashes, newlines, SQL, emoji, RTL.
constexpr std::array<std::string_view, 8> hostile_names{
    "Robert'); DROP TABLE source_records;--", "\"The Rock\" Johnson", "Back\\slash Person", "Line\nBreak",
    "Emoji 😀 Person", "زینب علی", "李小龍", "Tab\tSeparated"};
constexpr std::array<std::string_view, 4> domains{"example.com", "gmail.com", "example.org", "mail.example.net"};

std::string random_id(rng_t& rng, std::string_view prefix, std::size_t length = 14) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out(prefix);
  for (std::size_t i = 0; i < length; ++i) out.push_back(alphabet[pick(rng)]);
  return out;
}

bool chance(rng_t& rng, double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p; }

template <typename T, std::size_t N>
T pick_one(rng_t& rng, const std::array<T, N>& items) {
  return items[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

std::vector<ad_ref> ads_for(rng_t& rng, std::string_view kind) {
  std::vector<ad_ref> out;
  const int n = std::uniform_int_distribution<int>(0, 3)(rng);
  for (int i = 0; i < n; ++i) {
    const int which = std::uniform_int_distribution<int>(1, 20)(rng);
    ad_ref ref{fmt::format("{}_{:03}", kind, which), std::nullopt, std::nullopt};
    if (!chance(rng, 0.2)) ref.name = fmt::format("{} {}", kind, which);
    if (chance(rng, 0.5)) ref.thumbnail_url = fmt::format("https://cdn.example.com/{}/{}.png", kind, which);
    out.push_back(std::move(ref));
  }
  return out;
}

// Unique per human (area codes 200-999, 10,000 lines each): two humans sharing a
// number would be one person by right.
std::string phone_of(std::size_t human_index) {
  return fmt::format("+1{}555{:04}", 200 + (human_index / 10000) % 800, human_index % 10000);
}

human make_human(rng_t& rng, std::size_t index, bool adversarial) {
  human h;
  h.id = fmt::format("h{:06}", index);
  h.whop_user_id = random_id(rng, "user_");
  const std::string first(pick_one(rng, first_names));
  const std::string last(pick_one(rng, last_names));
  if (adversarial && chance(rng, 0.02)) {
    h.name = std::string(pick_one(rng, hostile_names));
  } else if (adversarial && index % 997 == 5) {
    h.name = std::string(10 * 1024, 'N');  // a 10 KB name
  } else if (!chance(rng, 0.05)) {
    h.name = first + " " + last;
  }
  if (!chance(rng, 0.08)) {
    h.email = fmt::format("{}.{}{}@{}", random_id(rng, "", 5), "p", index, pick_one(rng, domains));
    for (char& c : *h.email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (chance(rng, 0.6) || !h.email) h.phone = phone_of(index);
  return h;
}

whop_person make_whop_record(rng_t& rng, const human& h, bool first_record, std::int64_t now, bool adversarial) {
  whop_person p;
  p.id = first_record ? h.whop_user_id : random_id(rng, "user_");
  p.person_id = random_id(rng, "prsn_");
  p.human_id = h.id;
  p.name = h.name;
  if (h.email) p.email = first_record && !chance(rng, 0.3) ? *h.email : vary_email(*h.email, rng);
  if (h.phone) p.phone = vary_phone(*h.phone, rng);
  if (adversarial && chance(rng, 0.01)) p.email = "";  // empty strings are data too
  if (adversarial && chance(rng, 0.01)) p.phone = "";

  const std::int64_t year = 366 * 86400;
  p.first_seen_at = now - std::uniform_int_distribution<std::int64_t>(86400, year - 86400)(rng);
  p.last_seen_at = std::uniform_int_distribution<std::int64_t>(p.first_seen_at, now - 60)(rng);
  p.purchase_count = chance(rng, 0.4) ? 0 : std::uniform_int_distribution<std::int64_t>(1, 20)(rng);
  if (p.purchase_count > 0) {
    // Many decimals on purpose: they must land exactly.
    const double ltv = static_cast<double>(p.purchase_count) * 19.99 + std::uniform_real_distribution<double>(0, 1)(rng);
    p.ltv = ltv;
    p.aov = ltv / static_cast<double>(p.purchase_count);
  } else if (!chance(rng, 0.3)) {
    p.ltv = 0.0;
    p.aov = 0.0;
  }
  if (!chance(rng, 0.1)) p.has_failed_payment = chance(rng, 0.1);
  p.campaigns = ads_for(rng, "cmp");
  p.ad_sets = ads_for(rng, "adset");
  p.ads = ads_for(rng, "ad");
  return p;
}

boost::json::value json_or_null(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::array ads_json(const std::vector<ad_ref>& refs) {
  boost::json::array out;
  for (const ad_ref& r : refs) {
    out.push_back(boost::json::object{{"id", r.id}, {"name", json_or_null(r.name)}, {"thumbnail_url", json_or_null(r.thumbnail_url)}});
  }
  return out;
}

posthog_person make_posthog_person(rng_t& rng, const human& h, bool knows_whop_id, std::int64_t id, std::int64_t now) {
  posthog_person p;
  p.id = id;
  p.uuid = random_uuid(rng);
  p.human_id = h.id;
  if (knows_whop_id) p.distinct_ids.push_back(h.whop_user_id);  // the app identifies users by their Whop id
  const int anonymous = std::uniform_int_distribution<int>(knows_whop_id ? 0 : 1, 2)(rng);
  for (int i = 0; i < anonymous; ++i) p.distinct_ids.push_back(random_uuid(rng));
  if (h.email && !chance(rng, 0.1)) p.properties[chance(rng, 0.3) ? "$email" : "email"] = vary_email(*h.email, rng);
  if (h.phone && chance(rng, 0.5)) p.properties[chance(rng, 0.3) ? "$phone" : "phone"] = vary_phone(*h.phone, rng);
  if (h.name) p.properties["name"] = *h.name;
  p.properties["$browser"] = chance(rng, 0.5) ? "Chrome" : "Firefox";
  p.properties["plan"] = chance(rng, 0.3) ? "pro" : "free";
  p.properties["$initial_referrer"] = chance(rng, 0.5) ? boost::json::value("https://example.com/?q=\"quoted\"") : nullptr;
  p.created_at = now - std::uniform_int_distribution<std::int64_t>(3600, 300 * 86400)(rng);
  p.updated_at = p.created_at;
  return p;
}

std::string canonical_email(const std::optional<std::string>& email) {
  if (!email) return {};
  std::string out;
  for (char c : *email) {
    if (c != ' ' && c != '\t') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::optional<std::string> property(const boost::json::object& properties, std::string_view a, std::string_view b) {
  for (std::string_view key : {a, b}) {
    if (const auto* v = properties.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  }
  return std::nullopt;
}

// Whether a PostHog person's email or phone is also on one of the human's Whop records.
bool joins_by_contact(const posthog_person& p, const human& h, const std::vector<whop_person>& whop,
                      const std::vector<std::size_t>& records) {
  const std::string email = canonical_email(property(p.properties, "email", "$email"));
  const bool has_phone = property(p.properties, "phone", "$phone").has_value();
  for (std::size_t i : records) {
    const std::string theirs = canonical_email(whop[i].email);
    if (!email.empty() && email == theirs && theirs != junk_email) return true;
    if (has_phone && h.phone && whop[i].phone && !whop[i].phone->empty()) return true;
  }
  return false;
}

}  // namespace

std::string random_uuid(rng_t& rng) {
  std::uniform_int_distribution<int> nibble(0, 15);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    int v = nibble(rng);
    if (i == 12) v = 4;
    if (i == 16) v = 8 | (v & 3);
    out += hex[v];
  }
  return out;
}


std::string vary_email(const std::string& email, rng_t& rng) {
  std::string out = email;
  for (char& c : out) {
    if (chance(rng, 0.3)) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
    case 0: return "  " + out;
    case 1: return out + " ";
    case 2: return "\t" + out + "  ";
    default: return out;
  }
}

std::string vary_phone(const std::string& e164, rng_t& rng) {
  // +1AAABBBCCCC
  const std::string area = e164.substr(2, 3), exchange = e164.substr(5, 3), line = e164.substr(8, 4);
  switch (std::uniform_int_distribution<int>(0, 6)(rng)) {
    case 0: return fmt::format("+1 ({}) {}-{}", area, exchange, line);
    case 1: return area + exchange + line;
    case 2: return fmt::format("001-{}-{}-{}", area, exchange, line);
    case 3: return fmt::format("({}) {}-{}", area, exchange, line);
    case 4: return fmt::format("{}.{}.{}", area, exchange, line);
    case 5: return fmt::format("+1-{}-{}-{}", area, exchange, line);
    default: return e164;
  }
}

generated_people generate_people(const generator_options& options) {
  rng_t rng(options.seed);
  const std::int64_t now = options.now != 0 ? options.now : unix_now();
  generated_people out;
  out.whop.reserve(options.whop_people);
  while (out.whop.size() < options.whop_people) {
    human h = make_human(rng, out.humans.size() + 1, options.adversarial_text);
    out.whop.push_back(make_whop_record(rng, h, true, now, options.adversarial_text));
    if (out.whop.size() < options.whop_people && chance(rng, options.second_record_share)) {
      out.whop.push_back(make_whop_record(rng, h, false, now, options.adversarial_text));
    }
    out.humans.push_back(std::move(h));
  }
  // One inbox shared by many different humans (a reseller, a family, a bad form): never a link.
  const std::size_t step = std::max<std::size_t>(1, out.whop.size() / std::max<std::size_t>(1, options.junk_email_people));
  std::string last_human;
  for (std::size_t i = 0, shared = 0; i < out.whop.size() && shared < options.junk_email_people; i += step) {
    if (out.whop[i].human_id == last_human) continue;
    out.whop[i].email = chance(rng, 0.5) ? std::string(junk_email) : vary_email(std::string(junk_email), rng);
    last_human = out.whop[i].human_id;
    ++shared;
  }

  // The ground truth must be reachable: a human's records always carry evidence
  // that joins them (a shared email or phone, or the Whop id as a distinct id).
  std::map<std::string, std::vector<std::size_t>> records_of;
  for (std::size_t i = 0; i < out.whop.size(); ++i) records_of[out.whop[i].human_id].push_back(i);
  std::map<std::string, human*> human_of;
  for (human& h : out.humans) human_of[h.id] = &h;
  for (auto& [human_id, indices] : records_of) {
    if (indices.size() < 2) continue;
    whop_person& a = out.whop[indices[0]];
    whop_person& b = out.whop[indices[1]];
    const std::string email = canonical_email(a.email);
    const bool by_email = !email.empty() && email != junk_email && email == canonical_email(b.email);
    const bool by_phone = a.phone && b.phone && !a.phone->empty() && !b.phone->empty();
    if (by_email || by_phone) continue;
    human& h = *human_of.at(human_id);
    if (!h.phone) h.phone = phone_of(std::stoul(h.id.substr(1)));
    a.phone = vary_phone(*h.phone, rng);
    b.phone = vary_phone(*h.phone, rng);
  }

  // PostHog: most of the store's humans use the product, identified by their Whop id or only anonymous;
  // past them, product-only humans.
  std::int64_t next_id = 1;
  for (std::size_t i = 0; i < out.humans.size() && out.posthog.size() < options.posthog_persons; ++i) {
    if (!chance(rng, options.posthog_share)) continue;
    const human& h = out.humans[i];
    posthog_person p = make_posthog_person(rng, h, chance(rng, 0.85), next_id++, now);
    if (p.distinct_ids.front() != h.whop_user_id && !joins_by_contact(p, h, out.whop, records_of[h.id])) {
      p.distinct_ids.insert(p.distinct_ids.begin(), h.whop_user_id);
    }
    out.posthog.push_back(std::move(p));
  }
  while (out.posthog.size() < options.posthog_persons) {
    human h = make_human(rng, out.humans.size() + 1, options.adversarial_text);
    out.posthog.push_back(make_posthog_person(rng, h, false, next_id++, now));
    out.humans.push_back(std::move(h));
  }
  return out;
}

boost::json::object to_json(const posthog_person& p) {
  boost::json::object o;
  o["id"] = p.id;
  o["uuid"] = p.uuid;
  boost::json::array ids;
  for (const auto& d : p.distinct_ids) ids.push_back(boost::json::string(d));
  o["distinct_ids"] = std::move(ids);
  o["properties"] = p.properties;
  o["created_at"] = iso_seconds(std::chrono::system_clock::from_time_t(p.created_at));
  // PostHog's display name: the email if there is one, else the first distinct id.
  const auto* email = p.properties.if_contains("email");
  if (!email) email = p.properties.if_contains("$email");
  o["name"] = email && email->is_string() ? boost::json::value(email->get_string())
              : p.distinct_ids.empty()   ? boost::json::value(nullptr)
                                         : boost::json::value(p.distinct_ids.front());
  return o;
}

boost::json::object to_json(const whop_person& p) {
  boost::json::object o;
  o["id"] = p.id;
  o["person_id"] = p.person_id;
  o["name"] = json_or_null(p.name);
  o["email"] = json_or_null(p.email);
  o["phone"] = json_or_null(p.phone);
  o["first_seen_at"] = p.first_seen_at;
  o["last_seen_at"] = p.last_seen_at;
  o["purchase_count"] = p.purchase_count;
  if (p.has_failed_payment) o["has_failed_payment"] = *p.has_failed_payment;
  if (p.ltv) o["ltv"] = *p.ltv;
  if (p.aov) o["aov"] = *p.aov;
  o["campaigns"] = ads_json(p.campaigns);
  o["ad_sets"] = ads_json(p.ad_sets);
  o["ads"] = ads_json(p.ads);
  return o;
}

}  // namespace personsync::fakes
