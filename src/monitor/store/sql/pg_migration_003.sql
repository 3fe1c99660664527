-- PostgreSQL schema version 3: a packed copy of each upload's rows in each row table
-- (answers, comments, activity, outcomes), written in the same transaction as the rows,
-- so that an app replica copies an upload in one read instead of one COPY message per
-- row (see packed.py). Uploads stored before this version have none; replicas COPY
-- their rows. Removing an upload removes its copies.
CREATE TABLE packed_rows (
    upload_id  INTEGER NOT NULL REFERENCES uploads (upload_id) ON DELETE CASCADE,
    table_name VARCHAR NOT NULL,
    n_rows     INTEGER NOT NULL,
    data       BYTEA NOT NULL,             -- one Parquet file
    PRIMARY KEY (upload_id, table_name)
);
-- Parquet is compressed already: kept out of line as it is, not compressed again.
ALTER TABLE packed_rows ALTER COLUMN data SET STORAGE EXTERNAL;
