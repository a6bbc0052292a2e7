#pragma once
// The golden record of each person in the temp table touched_persons, from its
// live records (DESIGN.md): first_seen min, last_seen max, ltv and
// purchase_count summed over Whop records, aov = ltv ÷ purchase_count,
// has_failed_payment any; name, email and phone from the most trusted source
// (Whop: what a customer typed at checkout) then the most recent record;
// PostHog properties merged key by key, the most recent record winning;
// attribution the union of the Whop records' campaigns, ad sets and ads, each
// tagged with its source. A row is written only when something in it changed.

namespace personsync::store {

inline constexpr const char* golden_record_sql = R"SQL(
WITH members AS (
  SELECT rp.person_id, r.record_id, r.source, r.scope, r.source_key, r.name, r.ltv, r.purchase_count,
         r.has_failed_payment, r.properties, r.attribution,
         coalesce(r.provider_first_seen_at, r.provider_created_at) AS first_seen,
         coalesce(r.provider_last_seen_at, r.provider_created_at) AS last_seen,
         CASE r.source WHEN 'whop' THEN 0 ELSE 1 END AS trust,
         coalesce(r.provider_last_seen_at, r.last_synced_at) AS recency
  FROM touched_persons t
  JOIN record_persons rp USING (person_id)
  JOIN source_records r USING (record_id)
  WHERE r.deleted_at IS NULL),
best AS (
  SELECT person_id,
         (array_agg(name ORDER BY trust, recency DESC, source_key) FILTER (WHERE coalesce(name, '') <> ''))[1] AS name,
         min(first_seen) AS first_seen_at,
         max(last_seen) AS last_seen_at,
         sum(ltv) FILTER (WHERE source = 'whop') AS ltv,
         sum(purchase_count) FILTER (WHERE source = 'whop') AS purchase_count,
         bool_or(has_failed_payment) AS has_failed_payment,
         count(*)::integer AS record_count
  FROM members GROUP BY person_id),
contact AS (
  SELECT m.person_id,
         (array_agg(ri.value ORDER BY m.trust, m.recency DESC, m.source_key) FILTER (WHERE ri.kind = 'email'))[1] AS email,
         (array_agg(ri.value ORDER BY m.trust, m.recency DESC, m.source_key) FILTER (WHERE ri.kind = 'phone'))[1] AS phone
  FROM members m JOIN record_identifiers ri USING (record_id)
  WHERE ri.kind IN ('email', 'phone')
  GROUP BY m.person_id),
props AS (
  SELECT m.person_id, jsonb_object_agg(p.key, p.value ORDER BY m.recency, m.source_key) AS properties
  FROM members m CROSS JOIN LATERAL jsonb_each(m.properties) p
  WHERE m.source = 'posthog' AND jsonb_typeof(m.properties) = 'object'
  GROUP BY m.person_id),
attr AS (
  SELECT m.person_id,
         jsonb_agg(DISTINCT jsonb_build_object('source', m.source, 'scope', m.scope, 'kind', a.kind,
                                               'id', e->'id', 'name', e->'name')) AS attribution
  FROM members m
  CROSS JOIN LATERAL (VALUES ('campaign', m.attribution->'campaigns'), ('ad_set', m.attribution->'ad_sets'),
                             ('ad', m.attribution->'ads')) AS a(kind, list)
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a.list) = 'array' THEN a.list ELSE '[]' END) AS e
  GROUP BY m.person_id),
golden AS (
  SELECT b.*, c.email, c.phone, pr.properties, a.attribution,
         CASE WHEN b.purchase_count > 0 THEN b.ltv / b.purchase_count END AS aov
  FROM best b
  LEFT JOIN contact c USING (person_id)
  LEFT JOIN props pr USING (person_id)
  LEFT JOIN attr a USING (person_id))
UPDATE persons p SET
    name = g.name, email = g.email, phone = g.phone, first_seen_at = g.first_seen_at,
    last_seen_at = g.last_seen_at, ltv = g.ltv, purchase_count = g.purchase_count, aov = g.aov,
    has_failed_payment = g.has_failed_payment, properties = g.properties, attribution = g.attribution,
    record_count = g.record_count, updated_at = now()
FROM golden g
WHERE p.person_id = g.person_id
  AND (p.name, p.email, p.phone, p.first_seen_at, p.last_seen_at, p.ltv, p.purchase_count, p.aov,
       p.has_failed_payment, p.properties, p.attribution, p.record_count)
      IS DISTINCT FROM
      (g.name, g.email, g.phone, g.first_seen_at, g.last_seen_at, g.ltv, g.purchase_count, g.aov,
       g.has_failed_payment, g.properties, g.attribution, g.record_count)
)SQL";

}  // namespace personsync::store
