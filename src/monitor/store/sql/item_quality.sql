-- Per item and wave: respondents in the wave, answers given, and the share missing
-- ("Don't know", "N/A", blank or no cell at all).
-- Needs `instrument_items(item_id, factor, factor_pos, reverse)` registered.
-- Parameters: the filters of respondent_scores.sql.
WITH filtered AS (
    SELECT partnership, wave, item_id, value
    FROM answers
    WHERE ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, partner))
      AND ($wave_from IS NULL OR wave_start >= $wave_from)
      AND ($wave_to IS NULL OR wave_start <= $wave_to)
),
people AS (  -- from the respondents' rows: one per respondent and wave, no answers read
    SELECT partnership, wave, min(wave_start) AS wave_start,
           count(DISTINCT respondent_id) AS respondents
    FROM response_rows
    WHERE ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, partner))
      AND ($wave_from IS NULL OR wave_start >= $wave_from)
      AND ($wave_to IS NULL OR wave_start <= $wave_to)
    GROUP BY ALL
),
answered AS (
    SELECT partnership, wave, item_id, count(value) AS answered
    FROM filtered GROUP BY ALL
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
