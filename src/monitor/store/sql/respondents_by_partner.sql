-- Respondents per partner in one wave (only the chosen partners, if any), from the
-- respondent counts kept per upload.
SELECT partner, sum(respondents)::BIGINT AS respondents
FROM respondent_counts
WHERE ($partnership IS NULL OR partnership = $partnership)
  AND wave = $wave
  AND ($partners IS NULL OR list_contains($partners, partner))
GROUP BY partner
ORDER BY partner
