-- Free-text comments of stored uploads, each with the size of its group (wave x partner,
-- or wave x role): n respondents who commented. The disclosure rule for comments reads
-- its visible and its hidden comments from here.
-- Parameters: $partnership and $wave (NULL = all), $by ('partner' or 'role').
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
SELECT c.partnership, c.wave, c.grp, c.question, c.text, c.source_row, sizes.n
FROM c
JOIN sizes USING (partnership, wave, grp)
