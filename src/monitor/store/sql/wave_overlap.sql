-- Earlier waves' respondent factor scores, each against wave $after's, summarised as
-- partially overlapping samples (see monitor.statistics.Overlap): one row per earlier
-- wave and factor (and per agency), so that the change between the waves
-- is tested without reading every respondent. The later wave's respondents are matched
-- with all the earlier waves in one join.
-- Follows respondent_scores.sql; the fields in braces are filled in by
-- respondents.wave_overlap. Parameters: $before (a list of wave labels), $after (a
-- wave label) and $min_pairs (fewer shared respondents than this: r = 0).
-- A respondent is the same person in two waves when partnership and respondent_id match,
-- that is when their `person` numbers do (and, per agency, the agency too).
-- Columns: before (the earlier wave), factor, [partner], n1, mean1, sd1 (all of the
-- earlier wave's respondents; sd NULL for one), likewise n2, mean2, sd2 for the later
-- wave; n_paired (shared) and r (Pearson's correlation of the shared respondents' two
-- scores; 0 below $min_pairs pairs or without spread).
, earlier AS (
    SELECT wave AS before, person, partner, factor, factor_pos, score
    FROM respondent_scores WHERE list_contains($before, wave)
),
later AS (
    SELECT person, partner, factor, factor_pos, score
    FROM respondent_scores WHERE wave = $after
),
earlier_samples AS (
    SELECT before, factor{agency}, count(*) AS n1, avg(score) AS mean1,
           stddev_samp(score) AS sd1
    FROM earlier
    GROUP BY ALL
),
later_samples AS (
    SELECT factor{agency}, count(*) AS n2, avg(score) AS mean2, stddev_samp(score) AS sd2
    FROM later
    GROUP BY ALL
),
groups AS (  -- every earlier wave with every group of either side
    SELECT before, factor{agency} FROM earlier_samples
    UNION
    SELECT w.before, l.factor{later_agency}
    FROM (SELECT DISTINCT before FROM earlier) AS w CROSS JOIN later_samples AS l
),
paired AS (
    SELECT e.before, e.factor{earlier_agency}, count(*) AS n_paired,
           CASE WHEN count(*) < $min_pairs OR min(e.score) = max(e.score)
                     OR min(l.score) = max(l.score) THEN 0.0
                ELSE least(1.0, greatest(-1.0, corr(e.score, l.score))) END AS r  -- rounding
    FROM later AS l
    JOIN earlier AS e
      ON e.factor_pos = l.factor_pos AND e.person = l.person{same_agency}
    GROUP BY ALL
)
SELECT g.before, g.factor{group_agency},
       coalesce(e.n1, 0) AS n1, e.mean1, e.sd1, coalesce(l.n2, 0) AS n2, l.mean2, l.sd2,
       coalesce(p.n_paired, 0) AS n_paired, coalesce(p.r, 0.0) AS r
FROM groups AS g
LEFT JOIN earlier_samples AS e USING (before, factor{agency})
LEFT JOIN later_samples AS l USING (factor{agency})
LEFT JOIN paired AS p USING (before, factor{agency})
ORDER BY g.before, g.factor{group_agency}
