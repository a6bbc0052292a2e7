-- What each run's sweep met that a healthy one does not: the page driver's
-- counts by kind (connectors/paging/sweep_anomalies.hpp), zeros included.
ALTER TABLE sync_runs ADD COLUMN anomalies jsonb;
COMMENT ON COLUMN sync_runs.anomalies IS
    'the sweep''s anomalies by kind: bad_page, transport_error, duplicate, shortfall, drift, replaced_character';
