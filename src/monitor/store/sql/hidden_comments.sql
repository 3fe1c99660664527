-- How many comments the comments reader leaves out (groups, wave x partner or wave x
-- role, with fewer than $min_n respondents who commented), and in how many groups.
-- Parameters as comments.sql: $partnership and $wave (NULL = all), $by, $min_n.
WITH c AS (
    SELECT c.*,
           CASE WHEN $by = 'role' THEN coalesce(c.role, '') ELSE c.partner END AS grp
    FROM comments AS c
    JOIN uploads USING (upload_id)
    WHERE ($partnership IS NULL OR c.partnership = $partnership)
      AND ($wave IS NULL OR c.wave = $wave)
), sizes AS (
    SELECT partnership, wave, grp, count(DISTINCT respondent_id) AS n
    FROM c
    GROUP BY partnership, wave, grp
)
SELECT count(*) AS comments, count(DISTINCT (c.partnership, c.wave, c.grp)) AS groups
FROM c
JOIN sizes USING (partnership, wave, grp)
WHERE sizes.n < $min_n
