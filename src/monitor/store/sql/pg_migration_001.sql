-- PostgreSQL schema version 1: the tables of the DuckDB schema (its versions 1 to 5),
-- and the change counter that app replicas read to know when to catch up.

CREATE SEQUENCE upload_id_seq START 1;

CREATE TABLE uploads (
    upload_id   INTEGER PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL UNIQUE,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by VARCHAR,
    partnership VARCHAR NOT NULL,
    waves       VARCHAR[] NOT NULL,
    n_rows      INTEGER NOT NULL,
    n_answers   INTEGER NOT NULL
);

CREATE TABLE answers (
    upload_id     INTEGER NOT NULL,
    partnership   VARCHAR NOT NULL,
    wave          VARCHAR NOT NULL,
    wave_start    DATE NOT NULL,
    respondent_id VARCHAR NOT NULL,
    partner       VARCHAR NOT NULL,
    role          VARCHAR,
    source_row    INTEGER NOT NULL,
    item_id       VARCHAR NOT NULL,
    value         DOUBLE PRECISION
);
CREATE INDEX answers_upload ON answers (upload_id);

CREATE TABLE column_mappings (
    name     VARCHAR PRIMARY KEY,
    mapping  VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL,
    saved_by VARCHAR
);

CREATE TABLE comments (
    upload_id     INTEGER NOT NULL,
    partnership   VARCHAR NOT NULL,
    wave          VARCHAR NOT NULL,
    respondent_id VARCHAR NOT NULL,
    partner       VARCHAR NOT NULL,
    role          VARCHAR,
    source_row    INTEGER NOT NULL,
    question      VARCHAR NOT NULL,
    text          VARCHAR NOT NULL
);
CREATE INDEX comments_upload ON comments (upload_id);

CREATE TABLE activity (
    upload_id        INTEGER NOT NULL,
    partnership      VARCHAR NOT NULL,
    activity_date    DATE NOT NULL,
    activity         VARCHAR NOT NULL,
    partner          VARCHAR NOT NULL,
    representative   VARCHAR,
    attended         BOOLEAN NOT NULL,
    role             VARCHAR,
    minutes_recorded BOOLEAN,
    staff_hours      DOUBLE PRECISION,
    resources        DOUBLE PRECISION,
    info_shared      INTEGER,
    source_row       INTEGER NOT NULL
);
CREATE INDEX activity_upload ON activity (upload_id);

CREATE TABLE outcomes (
    upload_id   INTEGER NOT NULL,
    partnership VARCHAR NOT NULL,
    area        VARCHAR NOT NULL,
    month       DATE NOT NULL,
    category    VARCHAR NOT NULL,
    count       INTEGER NOT NULL
);
CREATE INDEX outcomes_upload ON outcomes (upload_id);

CREATE TABLE audit (
    audit_id    INTEGER PRIMARY KEY,
    happened_at TIMESTAMP NOT NULL,
    who         VARCHAR,
    action      VARCHAR NOT NULL,
    upload_id   INTEGER,
    file_name   VARCHAR,
    details     VARCHAR
);

CREATE TABLE settings (
    name       VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by VARCHAR
);

-- One row. Every write transaction adds 1 to `version` first, which also makes writes
-- of all app processes take turns; a replica whose copy is at this version is current.
CREATE TABLE sync_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO sync_state VALUES (1, 0);
