-- Stored answers back in wide form (one row per respondent and wave), filtered
-- like the scores. Read from the answer tables themselves (see answer_tables.py), not
-- the view `answers`: the answers are gathered per response row on two integers, and
-- only then joined to the rows' fields. The item columns are filled in by
-- responses.answers_wide: for each item, the value under its number (answer_items, a
-- bound parameter), taken with max() over CASE (a row answers an item once; faster
-- than any_value with a FILTER). Missing answers stay empty.
-- For a preview of $limit rows, responses.answers_wide adds a semi-join with
-- `first_rows` after FROM, so that only those rows' answers are gathered.
WITH filtered AS (
    SELECT upload_id, source_row, partnership, wave, wave_start, respondent_id, partner, role
    FROM response_rows
    WHERE ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, partner))
      AND ($wave_from IS NULL OR wave_start >= $wave_from)
      AND ($wave_to IS NULL OR wave_start <= $wave_to)
),
first_rows AS (  -- the rows of the first $limit, in the order below
    SELECT upload_id, source_row
    FROM filtered
    ORDER BY partnership, wave_start, partner, respondent_id
    LIMIT $limit
),
gathered AS (
    SELECT upload_id, source_row,
           {item_columns}
    FROM item_answers
    SEMI JOIN filtered USING (upload_id, source_row){only_first_rows}
    GROUP BY upload_id, source_row
)
SELECT f.partnership, f.wave, f.wave_start, f.respondent_id, f.partner, f.role,
       g.* EXCLUDE (upload_id, source_row)
FROM filtered AS f
JOIN gathered AS g USING (upload_id, source_row)
ORDER BY f.partnership, f.wave_start, f.partner, f.respondent_id
LIMIT $limit
