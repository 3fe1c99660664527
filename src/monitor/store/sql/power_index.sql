-- Power-differential index per partnership, wave and factor: how far apart the partner
-- agencies' mean scores are. Only partners with at least $min_group_size respondents
-- take part, and none listed in `excluded(partnership, wave, factor, partner)` (hidden
-- by secondary suppression). Gini = mean absolute difference between all pairs of
-- partner means / (2 * their mean).
-- Follows respondent_scores.sql.
, partner_means AS (
    SELECT partnership, wave, wave_start, factor, factor_pos, partner,
           count(*) AS people, avg(score) AS m
    FROM respondent_scores AS r
    WHERE NOT EXISTS (
        SELECT 1 FROM excluded AS x
        WHERE x.partnership = r.partnership AND x.wave = r.wave
          AND x.factor = r.factor AND x.partner = r.partner
    )
    GROUP BY ALL
    HAVING count(*) >= $min_group_size
),
pairs AS (
    SELECT a.partnership, a.wave, a.factor, avg(abs(a.m - b.m)) AS mean_abs_diff
    FROM partner_means AS a
    JOIN partner_means AS b USING (partnership, wave, factor)
    GROUP BY ALL
)
SELECT
    p.partnership, p.wave, any_value(p.wave_start) AS wave_start, p.factor,
    count(*) AS partners,
    min(p.m) AS lowest, max(p.m) AS highest, max(p.m) - min(p.m) AS range,
    stddev_samp(p.m) AS sd,
    any_value(x.mean_abs_diff) / (2 * avg(p.m)) AS gini
FROM partner_means AS p
JOIN pairs AS x USING (partnership, wave, factor)
GROUP BY p.partnership, p.wave, p.factor
ORDER BY p.partnership, any_value(p.wave_start), p.wave, any_value(p.factor_pos)
