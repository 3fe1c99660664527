-- Earlier waves' respondent factor scores, each against wave $after's, summarised as
-- partially overlapping samples (see monitor.statistics.Overlap): one row per earlier
-- wave and factor (and per agency), so that the change between the waves
-- is tested without reading every respondent. Each wave's n, mean and sd come from the
-- kept scores; the repeat respondents' number and correlation from the sums kept for
-- every two waves (wave_pair_sums, see kept_scores.sql `pairs`), side a the earlier wave.
-- Follows respondent_scores.sql; the fields in braces are filled in by
-- respondents.wave_overlap. Parameters: $before (a list of wave labels), $after (a
-- wave label) and $min_pairs (fewer shared respondents than this: r = 0), and the filter
-- and factors of respondent_scores.sql, which the sums follow: a pair counts when both of
-- its scores pass.
-- A respondent is the same person in two waves when partnership and respondent_id match
-- (and, per agency, the agency too).
-- Columns: before (the earlier wave), factor, [partner], n1, mean1, sd1 (all of the
-- earlier wave's respondents; sd NULL for one), likewise n2, mean2, sd2 for the later
-- wave; n_paired (shared) and r (Pearson's correlation of the shared respondents' two
-- scores; 0 below $min_pairs pairs or without spread).
, earlier_samples AS (
    SELECT wave AS before, factor{agency}, count(*) AS n1, avg(score) AS mean1,
           stddev_samp(score) AS sd1
    FROM respondent_scores WHERE list_contains($before, wave)
    GROUP BY ALL
),
later_samples AS (
    SELECT factor{agency}, count(*) AS n2, avg(score) AS mean2, stddev_samp(score) AS sd2
    FROM respondent_scores WHERE wave = $after
    GROUP BY ALL
),
groups AS (  -- every earlier wave with every group of either side
    SELECT before, factor{agency} FROM earlier_samples
    UNION
    SELECT w.before, l.factor{later_agency}
    FROM (SELECT DISTINCT before FROM earlier_samples) AS w CROSS JOIN later_samples AS l
),
sums AS (
    SELECT wave_a AS before, factor{pair_agency}, CAST(sum(n) AS BIGINT) AS n,
           sum(sum_a) AS sa, sum(sum_b) AS sb, sum(sum_aa) AS saa, sum(sum_bb) AS sbb,
           sum(sum_ab) AS sab, min(min_a) = max(max_a) OR min(min_b) = max(max_b) AS flat
    FROM wave_pair_sums
    WHERE list_contains($before, wave_a) AND wave_b = $after
      AND list_contains($factors, factor)
      AND ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL
           OR (list_contains($partners, partner_a) AND list_contains($partners, partner_b)))
      AND ($wave_from IS NULL OR least(wave_start_a, wave_start_b) >= $wave_from)
      AND ($wave_to IS NULL OR greatest(wave_start_a, wave_start_b) <= $wave_to){same_agency}
    GROUP BY ALL
),
moments AS (  -- n times the covariance and the two variances of the pairs
    SELECT before, factor{agency}, n, flat, sab - sa * sb / n AS cov,
           saa - sa * sa / n AS var_a, sbb - sb * sb / n AS var_b
    FROM sums
),
paired AS (
    SELECT before, factor{agency}, n AS n_paired,
           CASE WHEN n < $min_pairs OR flat OR var_a <= 0 OR var_b <= 0 THEN 0.0
                ELSE least(1.0, greatest(-1.0, cov / sqrt(var_a * var_b))) END AS r  -- rounding
    FROM moments
)
SELECT g.before, g.factor{group_agency},
       coalesce(e.n1, 0) AS n1, e.mean1, e.sd1, coalesce(l.n2, 0) AS n2, l.mean2, l.sd2,
       coalesce(p.n_paired, 0) AS n_paired, coalesce(p.r, 0.0) AS r
FROM groups AS g
LEFT JOIN earlier_samples AS e USING (before, factor{agency})
LEFT JOIN later_samples AS l USING (factor{agency})
LEFT JOIN paired AS p USING (before, factor{agency})
ORDER BY g.before, g.factor{group_agency}
