-- personsync's landing: every record fetched from a provider, the audit trail
-- of sync runs, and each source's sync state. Runs with search_path set to the
-- configured schema; objects are created unqualified.

-- One row per run of one source (a [[whop]] or [[posthog]] block).
CREATE TABLE sync_runs (
    run_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_name   text        NOT NULL,              -- the block's `name`
    provider      text        NOT NULL CHECK (provider IN ('whop', 'posthog')),
    scope         text        NOT NULL,              -- Whop account id or PostHog project id
    mode          text        NOT NULL CHECK (mode IN ('full', 'incremental')),
    window_from   timestamptz,                       -- the time window asked for, if any
    window_to     timestamptz,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    status        text        NOT NULL DEFAULT 'running'
                              CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
    fetched       bigint      NOT NULL DEFAULT 0,
    inserted      bigint      NOT NULL DEFAULT 0,
    updated       bigint      NOT NULL DEFAULT 0,
    unchanged     bigint      NOT NULL DEFAULT 0,
    rejected      bigint      NOT NULL DEFAULT 0,
    deleted       bigint      NOT NULL DEFAULT 0,
    error         text,
    CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX sync_runs_by_source ON sync_runs (source_name, started_at DESC);

-- One row per record a provider has (or had): the raw payload as received and a
-- hash of it, so that an unchanged record is recognised without a write.
CREATE TABLE source_records (
    source          text        NOT NULL CHECK (source IN ('whop', 'posthog')),
    scope           text        NOT NULL,
    source_key      text        NOT NULL,            -- Whop `id`, PostHog `uuid`
    payload         jsonb       NOT NULL,
    content_hash    bytea       NOT NULL,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),  -- first landed here
    last_synced_at  timestamptz NOT NULL DEFAULT now(),  -- last seen in a sync
    deleted_at      timestamptz,                          -- gone upstream (soft delete)
    changed_by_run  bigint      REFERENCES sync_runs (run_id),
    PRIMARY KEY (source, scope, source_key)
);

-- One row per configured source: where its incremental runs resume, and when it
-- last completed an unfiltered full sweep (the only kind that may delete).
CREATE TABLE sync_state (
    source_name          text        PRIMARY KEY,
    provider             text        NOT NULL CHECK (provider IN ('whop', 'posthog')),
    scope                text        NOT NULL,
    cursor               jsonb,
    last_full_sweep_at   timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
