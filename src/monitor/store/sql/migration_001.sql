-- Schema version 1: survey uploads and their answers in long form.

CREATE SEQUENCE upload_id_seq START 1;

CREATE TABLE uploads (
    upload_id   INTEGER PRIMARY KEY,
    kind        VARCHAR NOT NULL,          -- 'survey' (other record types come later)
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL UNIQUE,   -- the same bytes are never imported twice
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by VARCHAR,
    partnership VARCHAR NOT NULL,
    waves       VARCHAR[] NOT NULL,
    n_rows      INTEGER NOT NULL,          -- respondent rows in the file
    n_answers   INTEGER NOT NULL           -- scored answers stored
);

-- One row per answer (item) of one respondent in one wave. A missing answer
-- ("Don't know", "N/A", blank) is kept with value NULL so missing rates can be
-- reported; it is never scored.
CREATE TABLE answers (
    upload_id     INTEGER NOT NULL,
    partnership   VARCHAR NOT NULL,
    wave          VARCHAR NOT NULL,
    wave_start    DATE NOT NULL,
    respondent_id VARCHAR NOT NULL,
    partner       VARCHAR NOT NULL,
    role          VARCHAR,
    source_row    INTEGER NOT NULL,        -- the row as the evaluator sees it in the file
    item_id       VARCHAR NOT NULL,
    value         DOUBLE
);
