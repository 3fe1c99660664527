-- Respondent factor scores: the mean of a respondent's answered items of a factor,
-- reverse-worded items flipped. A respondent who answered fewer than half of the
-- factor's items gets no score for it.
-- Needs `instrument_items(item_id, factor, factor_pos, reverse)` registered.
-- Parameters: $scale_sum (scale min + max); filters, NULL meaning all: $partnership,
-- $partners (a list of partner names), $wave_from and $wave_to (wave start dates).
WITH factor_size AS (
    SELECT factor, count(*) AS n_items
    FROM instrument_items
    GROUP BY factor
),
item_answers AS (
    SELECT
        a.partnership, a.wave, a.wave_start, a.respondent_id, a.partner, a.role,
        i.factor, i.factor_pos, f.n_items,
        CASE WHEN i.reverse THEN $scale_sum - a.value ELSE a.value END AS value
    FROM answers AS a
    JOIN instrument_items AS i USING (item_id)
    JOIN factor_size AS f USING (factor)
    WHERE ($partnership IS NULL OR a.partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, a.partner))
      AND ($wave_from IS NULL OR a.wave_start >= $wave_from)
      AND ($wave_to IS NULL OR a.wave_start <= $wave_to)
),
respondent_scores AS (
    SELECT
        partnership, wave, wave_start, respondent_id, partner, role, factor, factor_pos,
        avg(value) AS score,
        count(value) AS n_answered,
        any_value(n_items) AS n_items
    FROM item_answers
    GROUP BY ALL
    HAVING 2 * count(value) >= any_value(n_items)
)
