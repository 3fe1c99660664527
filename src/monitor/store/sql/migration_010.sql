-- Schema version 10: the answers kept narrow. A respondent's own fields (partnership, wave,
-- agency, role) are stored once per row of the file in `response_rows`, and each answer
-- as its upload, row, item number and value in `item_answers`; item ids are numbered in
-- `answer_items`. Writing 3M answers of ten columns each cost most of a large import; four
-- numbers each write in a fraction of that. The view `answers` joins them back into the
-- long form (see answer_tables.py, which also writes and deletes them).

CREATE TABLE answer_items (
    item    INTEGER NOT NULL,          -- the number used in item_answers
    item_id VARCHAR NOT NULL           -- the instrument's item id
);

-- One row per respondent row of a survey upload (its file row is `source_row`).
CREATE TABLE response_rows (
    upload_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL,
    partnership   VARCHAR NOT NULL,
    wave          VARCHAR NOT NULL,
    wave_start    DATE NOT NULL,
    respondent_id VARCHAR NOT NULL,
    partner       VARCHAR NOT NULL,
    role          VARCHAR
);

-- One row per answer (item) of a response row. A missing answer is kept with value NULL.
CREATE TABLE item_answers (
    upload_id  INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    item       INTEGER NOT NULL,
    value      DOUBLE
);

INSERT INTO answer_items
SELECT row_number() OVER (ORDER BY item_id), item_id FROM (SELECT DISTINCT item_id FROM answers);

INSERT INTO response_rows
SELECT DISTINCT upload_id, source_row, partnership, wave, wave_start, respondent_id, partner,
       role
FROM answers;

-- A file row is one respondent: two under one row number would join to each other's answers.
SELECT CASE WHEN count(*) > 0 THEN error('upload #' || any_value(upload_id) || ' holds the '
    || 'answers of two respondents on row ' || any_value(source_row) || '. Remove that upload '
    || 'with the version that stored it, then import its file again.') END
FROM (SELECT upload_id, source_row FROM response_rows GROUP BY ALL HAVING count(*) > 1);

INSERT INTO item_answers
SELECT a.upload_id, a.source_row, i.item, a.value
FROM answers AS a JOIN answer_items AS i USING (item_id);

DROP TABLE answers;

CREATE VIEW answers AS
SELECT r.upload_id, r.partnership, r.wave, r.wave_start, r.respondent_id, r.partner, r.role,
       r.source_row, i.item_id, a.value
FROM item_answers AS a
JOIN response_rows AS r USING (upload_id, source_row)
JOIN answer_items AS i USING (item);
