-- Normalized values held by records of more than one person (linked or not: kept
-- apart by a cannot_link, quarantined, not crossing providers), one row per kind
-- held. Every other value is held within one person, whose records an incremental
-- resolution loads whole anyway: it looks up the holders of crossing values only,
-- where looking up every value of its area was two thirds of growing it.
--
-- Derived like record_identifiers, and unlogged with it: a crash empties both,
-- and the next resolution, a full one, writes both again.
CREATE UNLOGGED TABLE crossing_identifiers (
    kind   text NOT NULL,
    value  text COLLATE "C" NOT NULL,
    PRIMARY KEY (value, kind)
);

-- Persons resolved before this table existed have no crossing values written:
-- the next resolution is a full one (0: the queue's marker for "everything").
INSERT INTO identity_dirty (record_id) VALUES (0);
