-- Respondent factor scores of the listed waves only ($waves, a list of wave labels).
-- Follows respondent_scores.sql.
SELECT partnership, wave, wave_start, respondent_id, partner, role, factor, score
FROM respondent_scores
WHERE list_contains($waves, wave)
ORDER BY partnership, wave_start, wave, factor_pos, partner, respondent_id
