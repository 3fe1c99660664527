-- Per partner agency (within each partnership, wave, factor and, optionally, group):
-- respondents n, the mean of their factor scores and its sample sd (NULL for one).
-- Follows respondent_scores.sql.
SELECT
    partnership, wave, any_value(wave_start) AS wave_start, {group_select} factor,
    any_value(factor_pos) AS factor_pos, partner,
    count(*) AS n,
    avg(score) AS mean,
    stddev_samp(score) AS sd
FROM respondent_scores
GROUP BY partnership, wave, {group_select} factor, partner
ORDER BY partnership, any_value(wave_start), wave, {group_select} any_value(factor_pos), partner
