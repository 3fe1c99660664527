-- Agency-weighted group factor scores (one agency, one vote): first the mean score of
-- each partner, then the plain mean of those partner means, so a partner with many
-- respondents counts as much as one with few. n is the number of partners, sd their
-- spread, and the 95% t-interval uses df = partners - 1; respondents counts people.
-- Follows respondent_scores.sql; needs `t_critical(df, t)` registered.
, partner_means AS (
    SELECT
        partnership, wave, wave_start, {group_select} partner AS agency, factor, factor_pos,
        count(*) AS people,
        avg(score) AS partner_mean
    FROM respondent_scores
    GROUP BY ALL
),
grouped AS (
    SELECT
        partnership, wave, wave_start, {group_select} factor, factor_pos,
        count(*) AS n,
        avg(partner_mean) AS mean,
        stddev_samp(partner_mean) AS sd,
        sum(people) AS respondents
    FROM partner_means
    GROUP BY ALL
)
SELECT
    g.partnership, g.wave, g.wave_start, {group_output} g.factor, g.n, g.mean, g.sd,
    g.mean - t.t * g.sd / sqrt(g.n) AS ci_low,
    g.mean + t.t * g.sd / sqrt(g.n) AS ci_high,
    g.respondents
FROM grouped AS g
LEFT JOIN t_critical AS t ON t.df = least(g.n - 1, (SELECT max(df) FROM t_critical))
ORDER BY g.partnership, g.wave_start, g.wave, {group_order} g.factor_pos
