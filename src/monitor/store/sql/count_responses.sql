-- Respondent-wave rows matching the filters (the size of the combined data).
SELECT count(*) FROM (
    SELECT DISTINCT partnership, wave, respondent_id
    FROM answers
    WHERE ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, partner))
      AND ($wave_from IS NULL OR wave_start >= $wave_from)
      AND ($wave_to IS NULL OR wave_start <= $wave_to)
)
