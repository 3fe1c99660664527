-- Cronbach's alpha per partnership, wave and factor, over the respondents who answered
-- every item of the factor (listwise), reverse-worded items flipped:
--   alpha = k / (k - 1) * (1 - sum of item variances / variance of the item total).
-- One pass over the answers: each respondent's answers to a factor are gathered in one
-- row (the total and one column per item position), and the variances are taken over
-- the complete rows (no join of the answers with the complete respondents, which took
-- three times as long on 40M answers). A respondent answers an item once per wave.
-- Needs `instrument_items(item_id, factor, factor_pos, reverse)` registered.
-- Parameters: $scale_sum and the filters of respondent_scores.sql.
-- Placeholders: {positions} (`, max(CASE WHEN i.item_pos = 1 THEN v.value END) AS p1, ...`,
-- faster than a FILTER) and
-- {item_variances} (`coalesce(var_samp(p1), 0) + ...`), one for each item position of the
-- largest factor.
WITH items AS (
    SELECT item_id, factor, factor_pos, reverse,
           row_number() OVER (PARTITION BY factor ORDER BY item_id) AS item_pos,
           count(*) OVER (PARTITION BY factor) AS k
    FROM instrument_items
),
numbered AS (  -- the items answered in this store, under their numbers
    SELECT i.*, n.item FROM items AS i JOIN answer_items AS n USING (item_id)
),
chosen AS (  -- the response rows the filters keep
    SELECT upload_id, source_row, partnership, wave, wave_start
    FROM response_rows
    WHERE ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, partner))
      AND ($wave_from IS NULL OR wave_start >= $wave_from)
      AND ($wave_to IS NULL OR wave_start <= $wave_to)
),
by_respondent AS (  -- grouped on integers (the answer tables, see answer_tables.py)
    SELECT a.upload_id, a.source_row, i.factor, any_value(i.factor_pos) AS factor_pos,
           any_value(i.k) AS k,
           count(*) AS answered,
           sum(v.value) AS total{positions}
    FROM item_answers AS a
    SEMI JOIN chosen USING (upload_id, source_row)
    JOIN numbered AS i USING (item),
    LATERAL (SELECT CASE WHEN i.reverse THEN $scale_sum - a.value ELSE a.value END AS value) AS v
    WHERE a.value IS NOT NULL
    GROUP BY a.upload_id, a.source_row, i.factor
),
by_factor AS (
    SELECT c.partnership, c.wave, any_value(c.wave_start) AS wave_start, b.factor,
           any_value(b.factor_pos) AS factor_pos, any_value(b.k) AS k,
           count(*) AS n_complete, var_samp(b.total) AS total_variance,
           {item_variances} AS item_variances
    FROM by_respondent AS b
    JOIN chosen AS c USING (upload_id, source_row)
    WHERE b.answered = b.k
    GROUP BY c.partnership, c.wave, b.factor
)
SELECT
    partnership, wave, wave_start, factor, k AS items, n_complete,
    CASE WHEN n_complete >= 2 AND total_variance > 0
         THEN k / (k - 1) * (1 - item_variances / total_variance)
    END AS alpha
FROM by_factor
ORDER BY partnership, wave_start, wave, factor_pos
