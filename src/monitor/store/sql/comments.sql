-- Free-text comments of stored uploads, only for groups (wave x partner, or wave x
-- role) with at least $min_n respondents who commented; smaller groups are left out so
-- no one can be identified by their words.
-- Parameters: $partnership and $wave (NULL = all), $by ('partner' or 'role'), $min_n.
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
SELECT c.partnership, c.wave, c.grp AS "group", c.question, c.text
FROM c
JOIN sizes USING (partnership, wave, grp)
WHERE sizes.n >= $min_n
ORDER BY c.partnership, c.wave, c.grp, c.question, c.source_row
