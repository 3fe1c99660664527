-- Group factor scores: mean of respondent scores with n and sd (their t-interval is
-- `scoring.with_interval`), per partnership, wave and factor, optionally also per
-- {group_column}.
, grouped AS (
    SELECT
        partnership, wave, wave_start, {group_select} factor, factor_pos,
        count(*) AS n,
        avg(score) AS mean,
        stddev_samp(score) AS sd
    FROM respondent_scores
    GROUP BY ALL
)
SELECT g.partnership, g.wave, g.wave_start, {group_output} g.factor, g.n, g.mean, g.sd
FROM grouped AS g
ORDER BY g.partnership, g.wave_start, g.wave, {group_order} g.factor_pos
