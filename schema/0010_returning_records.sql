-- The person each record deleted upstream was last in, so that a record that
-- comes back (a false delete repaired, an account restored) gets that person
-- back rather than a new id. Written when a resolution takes a deleted record
-- out of its person; dropped when the record is in a person again. Records
-- deleted before this migration are not remembered. No foreign key, as for
-- record_persons: a resolution writes these in bulk with the assignments.
CREATE TABLE record_last_persons (
    record_id  bigint PRIMARY KEY,
    person_id  uuid   NOT NULL
);
