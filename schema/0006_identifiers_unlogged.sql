-- record_identifiers is derived data: every row follows from source_records and
-- the [identity] settings. A full resolution rewrites all of it, and writing it
-- to the WAL was most of that rewrite's cost. Unlogged, a crash (or a failover
-- to a standby) leaves it empty; the next resolution sees the table empty while
-- records have persons, and rebuilds it with a full resolution.
ALTER TABLE record_identifiers SET UNLOGGED;
