-- Per item and wave: respondents in the wave, answers given, and the share missing
-- ("Don't know", "N/A", blank or no cell at all).
-- Needs `instrument_items(item_id, factor, factor_pos, reverse)` registered.
-- Parameters: the filters of respondent_scores.sql.
-- Read from the answer tables themselves (see answer_tables.py): the response rows the
-- filters keep give the respondents, and their answers are counted per item number.
WITH chosen AS (  -- the response rows the filters keep
    SELECT upload_id, source_row, partnership, wave, wave_start, respondent_id
    FROM response_rows
    WHERE ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, partner))
      AND ($wave_from IS NULL OR wave_start >= $wave_from)
      AND ($wave_to IS NULL OR wave_start <= $wave_to)
),
people AS (  -- no answers read
    SELECT partnership, wave, min(wave_start) AS wave_start,
           count(DISTINCT respondent_id) AS respondents
    FROM chosen GROUP BY ALL
),
answered AS (
    SELECT a.partnership, a.wave, n.item_id, a.answered
    FROM (
        SELECT c.partnership, c.wave, a.item, count(a.value) AS answered
        FROM item_answers AS a
        JOIN chosen AS c USING (upload_id, source_row)
        GROUP BY ALL
    ) AS a
    JOIN answer_items AS n USING (item)
)
SELECT
    p.partnership, p.wave, p.wave_start, i.factor, i.item_id, p.respondents,
    coalesce(a.answered, 0) AS answered,
    1 - coalesce(a.answered, 0) / p.respondents AS missing_rate
FROM people AS p
CROSS JOIN instrument_items AS i
LEFT JOIN answered AS a
    ON a.partnership = p.partnership AND a.wave = p.wave AND a.item_id = i.item_id
ORDER BY p.partnership, p.wave_start, p.wave, i.factor_pos, i.item_id
