-- Cronbach's alpha per partnership, wave and factor, over the respondents who answered
-- every item of the factor (listwise), reverse-worded items flipped:
--   alpha = k / (k - 1) * (1 - sum of item variances / variance of the item total).
-- One pass over the answers: each respondent's answers to a factor are gathered in one
-- row (the total and one column per item position), and the variances are taken over
-- the complete rows (no join of the answers with the complete respondents, which took
-- three times as long on 40M answers). A respondent answers an item once per wave.
-- Needs `instrument_items(item_id, factor, factor_pos, reverse)` registered.
-- Parameters: $scale_sum and the filters of respondent_scores.sql.
-- Placeholders: {positions} (`, max(v.value) FILTER (WHERE i.item_pos = 1) AS p1, ...`) and
-- {item_variances} (`coalesce(var_samp(p1), 0) + ...`), one for each item position of the
-- largest factor.
WITH items AS (
    SELECT item_id, factor, factor_pos, reverse,
           row_number() OVER (PARTITION BY factor ORDER BY item_id) AS item_pos,
           count(*) OVER (PARTITION BY factor) AS k
    FROM instrument_items
),
by_respondent AS (
    SELECT a.partnership, a.wave, a.wave_start, i.factor, i.factor_pos, i.k,
           count(*) AS answered,
           sum(v.value) AS total{positions}
    FROM answers AS a
    JOIN items AS i USING (item_id),
    LATERAL (SELECT CASE WHEN i.reverse THEN $scale_sum - a.value ELSE a.value END AS value) AS v
    WHERE a.value IS NOT NULL
      AND ($partnership IS NULL OR a.partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, a.partner))
      AND ($wave_from IS NULL OR a.wave_start >= $wave_from)
      AND ($wave_to IS NULL OR a.wave_start <= $wave_to)
    GROUP BY a.partnership, a.wave, a.wave_start, a.respondent_id, i.factor, i.factor_pos, i.k
),
by_factor AS (
    SELECT partnership, wave, any_value(wave_start) AS wave_start, factor,
           any_value(factor_pos) AS factor_pos, any_value(k) AS k,
           count(*) AS n_complete, var_samp(total) AS total_variance,
           {item_variances} AS item_variances
    FROM by_respondent
    WHERE answered = k
    GROUP BY partnership, wave, factor
)
SELECT
    partnership, wave, wave_start, factor, k AS items, n_complete,
    CASE WHEN n_complete >= 2 AND total_variance > 0
         THEN k / (k - 1) * (1 - item_variances / total_variance)
    END AS alpha
FROM by_factor
ORDER BY partnership, wave_start, wave, factor_pos
