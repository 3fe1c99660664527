-- Staging of one wide survey file, on a private in-memory connection.
-- Each statement is separated by a line `-- name: <statement name>`.
-- Registered before running: `raw` (the file; every cell a string, plus __row) and
-- `existing(partnership, wave, respondent_id, upload_id)`; the look-ups below are made from
-- lists. Parameters: $scale_min, $scale_max, $default_wave, $default_partnership and the
-- headers named in messages.

-- name: item_columns
-- The file's item columns: $headers[i] holds item $item_ids[i].
CREATE TEMP TABLE item_columns AS
SELECT unnest($headers::VARCHAR[]) AS header, unnest($item_ids::VARCHAR[]) AS item_id;

-- name: answer_codes
-- The answer labels known (normalised) and their values: $codes[i] means $code_values[i]
-- (NULL: a missing answer such as "Don't know").
CREATE TEMP TABLE answer_codes AS
SELECT unnest($codes::VARCHAR[]) AS code, unnest($code_values::DOUBLE[]) AS value;

-- name: wave_map
-- The file's wave texts placed in time: $wave_raws[i] is wave $wave_labels[i], starting on
-- $wave_starts[i] (NULL: not known).
CREATE TEMP TABLE wave_map AS
SELECT unnest($wave_raws::VARCHAR[]) AS wave_raw, unnest($wave_labels::VARCHAR[]) AS wave,
       unnest($wave_starts::DATE[]) AS wave_start;

-- name: file_defaults
-- The wave and partnership given for the whole file (used where a row has none).
CREATE TEMP TABLE file_defaults AS
SELECT $default_wave::VARCHAR AS wave, $default_partnership::VARCHAR AS partnership;

-- name: answer_values
-- Each distinct cell text of the item columns ($cells, '' for a blank) once, normalised and
-- looked up. A file has few distinct answers, so this is far cheaper than normalising every
-- cell. Made when the file is checked; storing it uses them again.
CREATE TEMP TABLE answer_values AS
WITH normalised AS (
    SELECT
        cell,
        lower(trim(regexp_replace(
            replace(replace(cell, chr(8217), ''''), chr(160), ' '),
            '\s+', ' ', 'g'))) AS norm
    FROM (SELECT unnest($cells::VARCHAR[]) AS cell)
)
SELECT
    n.cell,
    n.norm,
    k.code IS NOT NULL AS known_label,
    k.value AS label_value,
    TRY_CAST(n.norm AS DOUBLE) AS number
FROM normalised AS n
LEFT JOIN answer_codes AS k ON k.code = n.norm;

-- name: answers_long
-- A view, not a table (as `raw_long`): `problems` only reads its few wrong answers,
-- and `output` streams it in batches, so the long table (one row per answer) is never
-- stored. Every join here has a small side (items, distinct answers).
CREATE TEMP VIEW answers_long AS
SELECT u.*, i.item_id, v.norm, v.known_label, v.label_value, v.number
FROM raw_long AS u
JOIN item_columns AS i USING (header)
JOIN answer_values AS v ON v.cell = coalesce(u.raw_value, '');

-- name: problems
-- The answer texts that are wrong are found among the distinct ones first; only the
-- cells holding one of them are then looked up.
CREATE TEMP TABLE problems AS
WITH wrong AS (
    SELECT cell,
           CASE WHEN number IS NULL THEN 'unknown answer'
                WHEN number BETWEEN $scale_min AND $scale_max THEN 'not a whole answer'
                ELSE 'number outside the answer scale' END AS message,
           CASE WHEN number IS NULL
                THEN 'Use a number from ' || $scale_min || ' to ' || $scale_max
                     || ', one of the scale''s labels (for example "Agree"), "Don''t know", "N/A" or leave it blank'
                WHEN number BETWEEN $scale_min AND $scale_max
                THEN 'Answers are whole numbers from ' || $scale_min || ' to ' || $scale_max
                     || ' (one box ticked); enter the answer the respondent gave, or leave it blank'
                ELSE 'Answers are whole numbers from ' || $scale_min || ' to ' || $scale_max
                     || '; correct the value or leave it blank if there was no answer'
           END AS fix
    FROM answer_values
    WHERE NOT known_label
      AND (number IS NULL OR number <> round(number) OR number < $scale_min
           OR number > $scale_max)
)
SELECT u.src_row, u.header AS col, u.raw_value AS val, w.message, w.fix
FROM raw_long AS u
JOIN wrong AS w ON w.cell = coalesce(u.raw_value, '')
UNION ALL
SELECT src_row, $respondent_header, respondent_id,
       'respondent_id is empty',
       'Give every row a respondent code (a stable pseudonym, not a name)'
FROM base WHERE respondent_id = ''
UNION ALL
SELECT src_row, $partner_header, partner,
       'partner is empty',
       'Write the agency this respondent represents'
FROM base WHERE partner = ''
UNION ALL
SELECT src_row, $wave_header, wave_raw,
       'wave is empty',
       'Write the survey wave, for example 2025-Q1, 2025-03 or 2025-03-31'
FROM base WHERE wave_raw = ''
UNION ALL
SELECT b.src_row, $wave_header, b.wave_raw,
       'this wave has no date to place it in time',
       'Write the wave as a period or date: 2025-Q1, 2025-H1, 2025-03 or 2025-03-31'
FROM base AS b JOIN wave_map AS w USING (wave_raw)
WHERE b.wave_raw <> '' AND w.wave_start IS NULL
  AND b.src_row = (SELECT min(src_row) FROM base AS f WHERE f.wave_raw = b.wave_raw)
UNION ALL
SELECT b.src_row, $respondent_header, b.respondent_id,
       'respondent appears more than once in wave ' || d.wave || ' (rows ' || d.rows || ')',
       'Keep one row per respondent and wave: remove the repeated row or correct its respondent_id'
FROM base AS b
JOIN wave_map AS w USING (wave_raw)
JOIN (  -- the rows listed only for the respondents repeated (listing them all is slow)
    SELECT b.partnership, w.wave, b.respondent_id,
           string_agg(b.src_row::VARCHAR, ', ' ORDER BY b.src_row) AS rows
    FROM base AS b JOIN wave_map AS w USING (wave_raw)
    SEMI JOIN (
        SELECT b.partnership, w.wave, b.respondent_id
        FROM base AS b JOIN wave_map AS w USING (wave_raw)
        WHERE b.respondent_id <> ''
        GROUP BY ALL
        HAVING count(*) > 1
    ) AS r ON r.partnership = b.partnership AND r.wave = w.wave
          AND r.respondent_id = b.respondent_id
    GROUP BY ALL
) AS d ON d.partnership = b.partnership AND d.wave = w.wave AND d.respondent_id = b.respondent_id
UNION ALL
SELECT b.src_row, $respondent_header, b.respondent_id,
       'respondent already has answers for wave ' || w.wave || ' in upload #' || e.upload_id,
       'Remove that upload first if this file replaces it, or correct the respondent_id'
FROM base AS b
JOIN wave_map AS w USING (wave_raw)
JOIN existing AS e
  ON e.partnership = b.partnership AND e.wave = w.wave AND e.respondent_id = b.respondent_id;

-- name: respondents
-- One row per respondent row of the file (for the checks at storing and for comments).
SELECT b.src_row AS source_row, b.partnership, w.wave, b.respondent_id, b.partner, b.role
FROM base AS b
JOIN wave_map AS w USING (wave_raw);

-- name: insert_rows
-- The respondents' rows of one upload appended to a DuckDB store (on the store's own
-- cursor; see answer_tables.py for how a store keeps its answers).
INSERT INTO response_rows (upload_id, source_row, partnership, wave, wave_start,
                           respondent_id, partner, role)
SELECT $upload_id::INTEGER, b.src_row, b.partnership, w.wave, w.wave_start, b.respondent_id,
       b.partner, b.role
FROM base AS b
JOIN wave_map AS w USING (wave_raw);

-- name: insert_values
-- Their answers, under the items' numbers (`answer_items`, given before).
INSERT INTO item_answers (upload_id, source_row, item, value)
SELECT $upload_id::INTEGER, a.src_row, n.item,
       CASE WHEN a.known_label THEN a.label_value ELSE a.number END
FROM answers_long AS a
JOIN answer_items AS n USING (item_id);

-- name: output
-- The answers in no particular order (streamed in batches to a store that is not DuckDB).
SELECT
    b.partnership, w.wave, w.wave_start, b.respondent_id, b.partner, b.role,
    a.src_row AS source_row, a.item_id,
    CASE WHEN a.known_label THEN a.label_value ELSE a.number END AS value
FROM answers_long AS a
JOIN base AS b USING (src_row)
JOIN wave_map AS w USING (wave_raw)
