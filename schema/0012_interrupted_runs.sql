-- A run left 'running' by a process that died is closed 'interrupted' (it was
-- 'failed' with an error saying so) when the next process starts that source.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
UPDATE sync_runs SET status = 'interrupted'
WHERE status = 'failed' AND error = 'interrupted: the process ended before the run finished';
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted'));
