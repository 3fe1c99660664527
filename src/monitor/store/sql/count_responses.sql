-- Respondent-wave rows matching the filters (the size of the combined data), from the
-- respondent counts kept per upload.
SELECT coalesce(sum(respondents), 0)::BIGINT
FROM respondent_counts
WHERE ($partnership IS NULL OR partnership = $partnership)
  AND ($partners IS NULL OR list_contains($partners, partner))
  AND ($wave_from IS NULL OR wave_start >= $wave_from)
  AND ($wave_to IS NULL OR wave_start <= $wave_to)
