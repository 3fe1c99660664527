-- Schema version 4: the audit list. One row per upload and removal: when, who, what.
-- Written in the same transaction as the change it records; existing uploads are
-- copied in as they were recorded.

CREATE TABLE audit (
    audit_id    INTEGER PRIMARY KEY,
    happened_at TIMESTAMP NOT NULL,
    who         VARCHAR,                   -- the login, or the name given with the role
    action      VARCHAR NOT NULL,          -- 'upload' or 'remove'
    upload_id   INTEGER,
    file_name   VARCHAR,
    details     VARCHAR                    -- partnership, waves, rows
);

INSERT INTO audit
SELECT row_number() OVER (ORDER BY upload_id), uploaded_at, uploaded_by, 'upload', upload_id,
       file_name,
       partnership || ': ' || array_to_string(waves, ', ') || ', ' || n_rows || ' rows'
FROM uploads;
