-- A run that refreshed one person (`personsync refresh`) is recorded like any other.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_mode_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_mode_check CHECK (mode IN ('full', 'incremental', 'refresh'));
