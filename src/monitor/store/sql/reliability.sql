-- Cronbach's alpha per partnership, wave and factor, over the respondents who answered
-- every item of the factor (listwise), reverse-worded items flipped:
--   alpha = k / (k - 1) * (1 - sum of item variances / variance of the item total).
-- Needs `instrument_items(item_id, factor, factor_pos, reverse)` registered.
-- Parameters: $scale_sum and the filters of respondent_scores.sql.
WITH factor_size AS (
    SELECT factor, count(*) AS k FROM instrument_items GROUP BY factor
),
item_answers AS (
    SELECT
        a.partnership, a.wave, a.wave_start, a.respondent_id, a.item_id, i.factor,
        i.factor_pos, f.k,
        CASE WHEN i.reverse THEN $scale_sum - a.value ELSE a.value END AS value
    FROM answers AS a
    JOIN instrument_items AS i USING (item_id)
    JOIN factor_size AS f USING (factor)
    WHERE a.value IS NOT NULL
      AND ($partnership IS NULL OR a.partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, a.partner))
      AND ($wave_from IS NULL OR a.wave_start >= $wave_from)
      AND ($wave_to IS NULL OR a.wave_start <= $wave_to)
),
complete AS (
    SELECT partnership, wave, respondent_id, factor
    FROM item_answers
    GROUP BY ALL
    HAVING count(DISTINCT item_id) = any_value(k)
),
kept AS (
    SELECT a.* FROM item_answers AS a JOIN complete USING (partnership, wave, respondent_id, factor)
),
item_var AS (
    SELECT partnership, wave, factor, item_id, var_samp(value) AS v
    FROM kept GROUP BY ALL
),
totals AS (
    SELECT partnership, wave, wave_start, factor, factor_pos, respondent_id,
           any_value(k) AS k, sum(value) AS total
    FROM kept GROUP BY ALL
),
total_var AS (
    SELECT partnership, wave, any_value(wave_start) AS wave_start, factor,
           any_value(factor_pos) AS factor_pos, any_value(k) AS k,
           count(*) AS n_complete, var_samp(total) AS v
    FROM totals GROUP BY partnership, wave, factor
)
SELECT
    t.partnership, t.wave, t.wave_start, t.factor, t.k AS items, t.n_complete,
    CASE WHEN t.n_complete >= 2 AND t.v > 0
         THEN t.k / (t.k - 1) * (1 - (SELECT sum(i.v) FROM item_var AS i
             WHERE i.partnership = t.partnership AND i.wave = t.wave AND i.factor = t.factor)
             / t.v)
    END AS alpha
FROM total_var AS t
ORDER BY t.partnership, t.wave_start, t.wave, t.factor_pos
