-- Group factor scores: mean of respondent scores with n, sd and a 95% t-interval,
-- per partnership, wave and factor, optionally also per {group_column}.
-- Needs `t_critical(df, t)` registered (two-sided 95% critical values).
, grouped AS (
    SELECT
        partnership, wave, wave_start, {group_select} factor, factor_pos,
        count(*) AS n,
        avg(score) AS mean,
        stddev_samp(score) AS sd
    FROM respondent_scores
    GROUP BY ALL
)
SELECT
    g.partnership, g.wave, g.wave_start, {group_output} g.factor, g.n, g.mean, g.sd,
    g.mean - t.t * g.sd / sqrt(g.n) AS ci_low,
    g.mean + t.t * g.sd / sqrt(g.n) AS ci_high
FROM grouped AS g
LEFT JOIN t_critical AS t ON t.df = least(g.n - 1, (SELECT max(df) FROM t_critical))
ORDER BY g.partnership, g.wave_start, g.wave, {group_order} g.factor_pos
