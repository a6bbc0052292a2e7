-- What the resolver and consumers read of a landed record, typed, beside the
-- raw payload; and the items that broke a provider's contract, kept with their
-- reason so that nothing fetched is silently dropped.

ALTER TABLE source_records
    ADD COLUMN identifiers           jsonb NOT NULL DEFAULT '[]',  -- [{"kind","value"}], raw as sent
    ADD COLUMN name                  text,
    ADD COLUMN email                 text,
    ADD COLUMN phone                 text,
    ADD COLUMN provider_first_seen_at timestamptz,  -- Whop first_seen_at
    ADD COLUMN provider_last_seen_at  timestamptz,  -- Whop last_seen_at
    ADD COLUMN provider_created_at    timestamptz,  -- PostHog created_at
    ADD COLUMN purchase_count        bigint,
    ADD COLUMN ltv                   double precision,
    ADD COLUMN aov                   double precision,
    ADD COLUMN has_failed_payment    boolean,
    ADD COLUMN attribution           jsonb,         -- Whop {campaigns, ad_sets, ads}
    ADD COLUMN properties            jsonb,         -- PostHog person properties
    ADD COLUMN provider_id           bigint,        -- PostHog's integer id: the retrieve path
    ADD COLUMN merged_into           text;          -- PostHog: the uuid that absorbed this person

COMMENT ON COLUMN source_records.first_seen_at IS 'when personsync first landed the record';
COMMENT ON COLUMN source_records.last_synced_at IS
    'when the record last changed here: an unchanged record is not written at all';

CREATE INDEX source_records_live ON source_records (source, scope) WHERE deleted_at IS NULL;

CREATE TABLE rejected_items (
    rejected_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       bigint      NOT NULL REFERENCES sync_runs (run_id),
    source       text        NOT NULL,
    scope        text        NOT NULL,
    payload      text        NOT NULL,  -- the item as received, which may not be valid for jsonb
    reason       text        NOT NULL,
    observed_at  timestamptz NOT NULL
);
CREATE INDEX rejected_items_by_run ON rejected_items (run_id);
