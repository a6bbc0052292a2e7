-- Identity resolution: the normalized identifiers of each landed record, the
-- persons they resolve to, the operators' constraints, the change log, and the
-- consumer views of the SQL contract (DESIGN.md). Tables are personsync's own;
-- the four views are what downstream SQL may rely on.

-- A compact id for each landed record: what identity tables refer to.
ALTER TABLE source_records ADD COLUMN record_id bigint GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX source_records_record_id ON source_records (record_id);

-- Records whose identity-relevant data changed since the last resolution. Landing
-- and the operators' commands append; a resolution consumes in its transaction.
CREATE TABLE identity_dirty (
    record_id  bigint NOT NULL,
    manual     boolean NOT NULL DEFAULT false  -- queued by an operator's command
);

-- Each live record's identifiers after normalization (email lowercased, phone E.164, …).
CREATE TABLE record_identifiers (
    record_id  bigint NOT NULL,
    kind       text   NOT NULL,
    value      text   NOT NULL
);
CREATE INDEX record_identifiers_by_record ON record_identifiers (record_id);
CREATE INDEX record_identifiers_by_value ON record_identifiers (value);

-- Every person id ever published. Retired ids stay, as redirects or deletions.
CREATE TABLE persons (
    person_id          uuid        PRIMARY KEY,
    status             text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'deleted')),
    successor          uuid,                 -- merged: the live person it became (always flattened)
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    retired_at         timestamptz,
    -- golden record (DESIGN.md)
    name               text,
    email              text,
    phone              text,
    first_seen_at      timestamptz,
    last_seen_at       timestamptz,
    ltv                double precision,
    purchase_count     bigint,
    aov                double precision,
    has_failed_payment boolean,
    properties         jsonb,
    attribution        jsonb,
    record_count       integer     NOT NULL DEFAULT 0,
    CHECK ((status = 'merged') = (successor IS NOT NULL))
);
CREATE INDEX persons_by_successor ON persons (successor) WHERE successor IS NOT NULL;

-- No foreign key to persons: a resolution writes assignments before the persons
-- it creates (with their golden record, computed from the assignments), all in
-- one transaction; a key would cost a lookup per row for nothing.
CREATE TABLE record_persons (
    record_id  bigint PRIMARY KEY,
    person_id  uuid   NOT NULL
);
CREATE INDEX record_persons_by_person ON record_persons (person_id);

-- Operators' and upstream splits' pins. Records are named by key: source/scope/source_key.
CREATE TABLE identity_constraints (
    constraint_id  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           text        NOT NULL CHECK (kind IN ('must_link', 'cannot_link', 'block_value')),
    record_a       text,
    record_b       text,
    value_kind     text,       -- block_value: one kind, or null for every kind
    value          text,
    actor          text        NOT NULL,
    reason         text        NOT NULL,
    cause          text        NOT NULL CHECK (cause IN ('manual', 'upstream_split')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    removed_at     timestamptz,
    removed_by     text,
    removed_reason text,
    CHECK ((kind = 'block_value') = (value IS NOT NULL)),
    CHECK ((kind = 'block_value') = (record_a IS NULL AND record_b IS NULL))
);
CREATE INDEX identity_constraints_active ON identity_constraints (kind) WHERE removed_at IS NULL;

-- One row per resolution: what it looked at and what it changed.
CREATE TABLE identity_runs (
    resolution_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mode            text        NOT NULL CHECK (mode IN ('full', 'incremental')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    dirty_records   bigint      NOT NULL DEFAULT 0,
    area_records    bigint      NOT NULL DEFAULT 0,
    persons_touched bigint      NOT NULL DEFAULT 0,
    events          bigint      NOT NULL DEFAULT 0,
    rejected_links  bigint      NOT NULL DEFAULT 0,
    quarantined     bigint      NOT NULL DEFAULT 0,
    frozen          bigint      NOT NULL DEFAULT 0,
    settings_hash   text        NOT NULL  -- a change of normalization settings forces a full resolution
);

CREATE TABLE identity_event_log (
    seq        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    kind       text        NOT NULL CHECK (kind IN ('create', 'merge', 'split', 'move', 'delete')),
    before_person_ids uuid[] NOT NULL,
    after_person_ids  uuid[] NOT NULL,
    cause      text        NOT NULL,
    records    text[]      NOT NULL DEFAULT '{}',  -- move: the keys of the records that moved
    resolution_id bigint   NOT NULL REFERENCES identity_runs (resolution_id)
);

-- Values shared by more records than their kind allows: kept, reported, never a link.
CREATE TABLE quarantined_values (
    kind     text        NOT NULL,
    value    text        NOT NULL,
    records  bigint      NOT NULL,
    since    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, value)
);

-- Components above identity.max_component_size: not published until an operator acts.
CREATE TABLE frozen_components (
    first_record text        PRIMARY KEY,  -- the smallest record key in it
    records      integer     NOT NULL,
    frozen_at    timestamptz NOT NULL DEFAULT now()
);

-- Links the last resolution of their area refused, with the reason.
CREATE TABLE rejected_links (
    record_a   text NOT NULL,
    record_b   text NOT NULL,
    via_kind   text,
    via_value  text,
    reason     text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejected_links_a ON rejected_links (record_a);
CREATE INDEX rejected_links_b ON rejected_links (record_b);

-- ── The SQL contract for consumers (schema/README.md) ──────────────────────

CREATE VIEW unified_persons AS
SELECT person_id, name, email, phone, first_seen_at, last_seen_at, ltv, purchase_count, aov,
       has_failed_payment, properties, attribution, record_count, created_at, updated_at
FROM persons
WHERE status = 'active';

CREATE VIEW person_sources AS
SELECT r.source, r.scope, r.source_key, rp.person_id, r.last_synced_at AS synced_at
FROM record_persons rp
JOIN source_records r USING (record_id)
WHERE r.deleted_at IS NULL;

CREATE VIEW person_redirects AS
SELECT person_id AS old_person_id, successor AS person_id, retired_at
FROM persons
WHERE status = 'merged';

CREATE VIEW identity_events AS
SELECT seq, at, kind, before_person_ids, after_person_ids, cause, records
FROM identity_event_log;
