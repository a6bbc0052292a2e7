#pragma once
// Golden records of known persons, from the temp table golden_rows (computed by
// identity::golden_of) into persons. A row is written only when something in it
// changed, so that `updated_at` means a change. A known person without a row
// (none is expected) is inserted rather than lost.

namespace personsync::store {

inline constexpr const char* golden_update_sql = R"SQL(
INSERT INTO persons AS p (person_id, name, email, phone, first_seen_at, last_seen_at, ltv, purchase_count, aov,
                          has_failed_payment, properties, attribution, record_count)
SELECT person_id, name, email, phone, first_seen_at, last_seen_at, ltv, purchase_count, aov,
       has_failed_payment, properties, attribution, record_count
FROM golden_rows
ON CONFLICT (person_id) DO UPDATE SET
    name = EXCLUDED.name, email = EXCLUDED.email, phone = EXCLUDED.phone, first_seen_at = EXCLUDED.first_seen_at,
    last_seen_at = EXCLUDED.last_seen_at, ltv = EXCLUDED.ltv, purchase_count = EXCLUDED.purchase_count,
    aov = EXCLUDED.aov, has_failed_payment = EXCLUDED.has_failed_payment, properties = EXCLUDED.properties,
    attribution = EXCLUDED.attribution, record_count = EXCLUDED.record_count, updated_at = now()
WHERE (p.name, p.email, p.phone, p.first_seen_at, p.last_seen_at, p.ltv, p.purchase_count, p.aov,
       p.has_failed_payment, p.properties, p.attribution, p.record_count)
      IS DISTINCT FROM
      (EXCLUDED.name, EXCLUDED.email, EXCLUDED.phone, EXCLUDED.first_seen_at, EXCLUDED.last_seen_at, EXCLUDED.ltv,
       EXCLUDED.purchase_count, EXCLUDED.aov, EXCLUDED.has_failed_payment, EXCLUDED.properties, EXCLUDED.attribution,
       EXCLUDED.record_count)
)SQL";

}  // namespace personsync::store
