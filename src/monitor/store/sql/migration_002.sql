-- Schema version 2: saved column mappings of survey platform exports, and the
-- free-text comments of imported surveys.

-- A confirmed column mapping, reused for the next wave's export of the same survey.
CREATE TABLE column_mappings (
    name       VARCHAR PRIMARY KEY,
    mapping    VARCHAR NOT NULL,           -- JSON: header -> target, extra answer codes
    saved_at   TIMESTAMP NOT NULL,
    saved_by   VARCHAR
);

-- Free-text answers, linked to their respondent, partner and wave. Shown only for
-- groups of at least comment_min_group_size respondents.
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
