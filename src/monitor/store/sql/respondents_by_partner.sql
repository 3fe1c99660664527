-- Respondents per partner in one wave (only the chosen partners, if any).
SELECT partner, count(DISTINCT respondent_id) AS respondents
FROM answers
WHERE ($partnership IS NULL OR partnership = $partnership)
  AND wave = $wave
  AND ($partners IS NULL OR list_contains($partners, partner))
GROUP BY partner
ORDER BY partner
