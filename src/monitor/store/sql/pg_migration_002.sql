-- PostgreSQL schema version 2: the people invited per partnership, wave and agency (the
-- DuckDB schema's version 7). Replicas copy the table whole when anything changed.
CREATE TABLE invited (
    partnership VARCHAR NOT NULL,
    wave        VARCHAR NOT NULL,
    partner     VARCHAR NOT NULL,
    invited     INTEGER NOT NULL CHECK (invited >= 0),
    recorded_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR,
    PRIMARY KEY (partnership, wave, partner)
);
