-- Whop records are keyed by the person id (`prsn_…`) whichever field carries it.
-- Earlier versions keyed them by `id`, which under the reading Whop's current API
-- confirms is the person id already, and under the other reading is the user id:
-- those rows move to their person id, keeping their record_id (and so their
-- person).
CREATE TEMP TABLE whop_rekey ON COMMIT DROP AS
SELECT scope, source_key AS old_key,
       CASE WHEN payload->>'id' LIKE 'prsn\_%' THEN payload->>'id' ELSE payload->>'person_id' END AS new_key
FROM source_records
WHERE source = 'whop' AND source_key NOT LIKE 'prsn\_%'
  AND (payload->>'id' LIKE 'prsn\_%' OR payload->>'person_id' LIKE 'prsn\_%');

-- Two rows that would share a person id (cannot happen under one reading) stay as they are.
DELETE FROM whop_rekey r
WHERE EXISTS (SELECT 1 FROM source_records s
              WHERE s.source = 'whop' AND s.scope = r.scope AND s.source_key = r.new_key)
   OR (SELECT count(*) FROM whop_rekey o WHERE o.scope = r.scope AND o.new_key = r.new_key) > 1;

UPDATE source_records s SET source_key = r.new_key
FROM whop_rekey r
WHERE s.source = 'whop' AND s.scope = r.scope AND s.source_key = r.old_key;

UPDATE source_records SET merged_into = r.new_key
FROM whop_rekey r
WHERE source_records.source = 'whop' AND source_records.scope = r.scope AND source_records.merged_into = r.old_key;

UPDATE identity_constraints c SET record_a = 'whop/' || r.scope || '/' || r.new_key
FROM whop_rekey r WHERE c.record_a = 'whop/' || r.scope || '/' || r.old_key;
UPDATE identity_constraints c SET record_b = 'whop/' || r.scope || '/' || r.new_key
FROM whop_rekey r WHERE c.record_b = 'whop/' || r.scope || '/' || r.old_key;

-- Every Whop row is landed again by the next sweep, so that its identifiers are
-- classified by value whatever field carried them.
UPDATE source_records SET content_hash = ''::bytea WHERE source = 'whop';

-- A sweep that cannot prove deletions (an offset API without a retrieve) marks
-- records it did not see; one missing again from the next complete sweep is gone.
ALTER TABLE source_records ADD COLUMN absent_since_run bigint;
COMMENT ON COLUMN source_records.absent_since_run IS
  'the complete sweep that first missed this live record, until one sees it again';

-- Why a full sweep deleted nothing (its total was unusable, or it drifted from it),
-- and how far ahead of personsync the provider''s clock was.
ALTER TABLE sync_runs ADD COLUMN deletes_withheld text;
ALTER TABLE sync_runs ADD COLUMN provider_clock_skew_seconds double precision;
COMMENT ON COLUMN sync_runs.deletes_withheld IS
  'the reason a full sweep could not prove deletions and deleted nothing; null when it could';
COMMENT ON COLUMN sync_runs.provider_clock_skew_seconds IS
  'the provider''s Date header minus personsync''s clock, the largest seen in the run';

-- A rejected item is kept once, however many sweeps meet it again: the row says
-- when it was first and last met and how often. Earlier duplicates fold into the
-- first row.
ALTER TABLE rejected_items ADD COLUMN last_run_id bigint;
ALTER TABLE rejected_items ADD COLUMN last_observed_at timestamptz;
ALTER TABLE rejected_items ADD COLUMN times_seen bigint NOT NULL DEFAULT 1;
WITH folded AS (
  SELECT min(rejected_id) AS keep, max(run_id) AS last_run, max(observed_at) AS last_at, count(*) AS n,
         array_agg(rejected_id) AS ids
  FROM rejected_items GROUP BY source, scope, md5(payload), reason HAVING count(*) > 1),
kept AS (
  UPDATE rejected_items r SET last_run_id = f.last_run, last_observed_at = f.last_at, times_seen = f.n
  FROM folded f WHERE r.rejected_id = f.keep)
DELETE FROM rejected_items r USING folded f WHERE r.rejected_id = ANY (f.ids) AND r.rejected_id <> f.keep;
UPDATE rejected_items SET last_run_id = run_id, last_observed_at = observed_at WHERE last_run_id IS NULL;
ALTER TABLE rejected_items ALTER COLUMN last_run_id SET NOT NULL;
ALTER TABLE rejected_items ALTER COLUMN last_observed_at SET NOT NULL;
CREATE UNIQUE INDEX rejected_items_once ON rejected_items (source, scope, md5(payload), reason);
COMMENT ON COLUMN rejected_items.run_id IS 'the run that first met the item';
COMMENT ON COLUMN rejected_items.last_run_id IS 'the run that last met it';
