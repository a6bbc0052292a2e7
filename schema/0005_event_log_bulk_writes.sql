-- A full resolution writes one event per person it publishes: half a million rows
-- for a million records. The foreign key to identity_runs fired a trigger per row
-- that looked the run up again (measured: 4.8 s against 1.6 s without it for
-- 590,000 rows); personsync writes the run and its events in one transaction,
-- so the key protected nothing the writer does not already guarantee.
ALTER TABLE identity_event_log DROP CONSTRAINT identity_event_log_resolution_id_fkey;
