#pragma once
// The golden record of each person in the temp table touched_persons, from its
// live records, inserted for a new person and updated for a known one (DESIGN.md): first_seen min, last_seen max, ltv and
// purchase_count summed over Whop records, aov = ltv ÷ purchase_count,
// has_failed_payment any; name, email and phone from the most trusted source
// (Whop: what a customer typed at checkout) then the most recent record;
// PostHog properties merged key by key, the most recent record winning;
// attribution the union of the Whop records' campaigns, ad sets and ads under
// the source they came from ({"whop": {"campaigns": […], "ad_sets": […],
// "ads": […]}}). A row is written only when something in it changed.

namespace personsync::store {

inline constexpr const char* golden_record_sql = R"SQL(
WITH members AS (
  SELECT rp.person_id, r.record_id, r.source, r.source_key, r.name, r.ltv, r.purchase_count,
         r.has_failed_payment, r.properties, r.attribution, e.value AS email, ph.value AS phone,
         coalesce(r.provider_first_seen_at, r.provider_created_at) AS first_seen,
         coalesce(r.provider_last_seen_at, r.provider_created_at) AS last_seen,
         CASE r.source WHEN 'whop' THEN 0 ELSE 1 END AS trust,
         coalesce(r.provider_last_seen_at, r.last_synced_at) AS recency
  FROM touched_persons t
  JOIN record_persons rp USING (person_id)
  JOIN source_records r USING (record_id)
  LEFT JOIN record_identifiers e ON e.record_id = r.record_id AND e.kind = 'email'
  LEFT JOIN record_identifiers ph ON ph.record_id = r.record_id AND ph.kind = 'phone'
  WHERE r.deleted_at IS NULL),
-- A PostHog record with both `email` and `$email` joins twice: what is counted
-- or summed is counted per record, and sums are over Whop records (one email, one phone).
-- One pass over each person's records. Properties and attribution are merged
-- by a second look only for the few persons with several records that carry them.
best AS (
  SELECT person_id,
         (array_agg(name ORDER BY trust, recency DESC, source_key) FILTER (WHERE coalesce(name, '') <> ''))[1] AS name,
         (array_agg(email ORDER BY trust, recency DESC, source_key) FILTER (WHERE email IS NOT NULL))[1] AS email,
         (array_agg(phone ORDER BY trust, recency DESC, source_key) FILTER (WHERE phone IS NOT NULL))[1] AS phone,
         min(first_seen) AS first_seen_at,
         max(last_seen) AS last_seen_at,
         sum(ltv) FILTER (WHERE source = 'whop') AS ltv,
         sum(purchase_count) FILTER (WHERE source = 'whop') AS purchase_count,
         bool_or(has_failed_payment) AS has_failed_payment,
         count(DISTINCT record_id)::integer AS record_count,
         count(DISTINCT record_id) FILTER (WHERE source = 'posthog' AND jsonb_typeof(properties) = 'object') AS with_properties,
         (array_agg(properties) FILTER (WHERE source = 'posthog' AND jsonb_typeof(properties) = 'object'))[1] AS properties,
         count(DISTINCT record_id) FILTER (WHERE attribution IS NOT NULL) AS with_attribution,
         (array_agg(attribution) FILTER (WHERE attribution IS NOT NULL))[1] AS attribution
  FROM members GROUP BY person_id),
golden AS (
  SELECT b.person_id, b.name, b.email, b.phone, b.first_seen_at, b.last_seen_at, b.ltv, b.purchase_count,
         b.has_failed_payment, b.record_count,
         CASE WHEN b.purchase_count > 0 THEN b.ltv / b.purchase_count END AS aov,
         CASE WHEN b.with_properties <= 1 THEN b.properties ELSE (
           SELECT jsonb_object_agg(p.key, p.value ORDER BY coalesce(r.provider_last_seen_at, r.last_synced_at), r.source_key)
           FROM record_persons rp JOIN source_records r USING (record_id) CROSS JOIN LATERAL jsonb_each(r.properties) p
           WHERE rp.person_id = b.person_id AND r.deleted_at IS NULL AND r.source = 'posthog'
             AND jsonb_typeof(r.properties) = 'object') END AS properties,
         CASE WHEN b.with_attribution = 0 THEN NULL
              WHEN b.with_attribution = 1 THEN jsonb_build_object('whop', b.attribution) ELSE (
           SELECT jsonb_build_object('whop', jsonb_object_agg(l.list, l.entries))
           FROM (SELECT a.list, jsonb_agg(DISTINCT e) AS entries
                 FROM record_persons rp JOIN source_records r USING (record_id)
                 CROSS JOIN LATERAL jsonb_each(r.attribution) a(list, items)
                 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a.items) = 'array' THEN a.items ELSE '[]' END) e
                 WHERE rp.person_id = b.person_id AND r.deleted_at IS NULL AND r.attribution IS NOT NULL
                 GROUP BY a.list) l) END AS attribution
  FROM best b)
INSERT INTO persons AS p (person_id, name, email, phone, first_seen_at, last_seen_at, ltv, purchase_count, aov,
                          has_failed_payment, properties, attribution, record_count)
SELECT person_id, name, email, phone, first_seen_at, last_seen_at, ltv, purchase_count, aov,
       has_failed_payment, properties, attribution, record_count
FROM golden
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
