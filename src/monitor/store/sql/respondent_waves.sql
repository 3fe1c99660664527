-- Which respondents answered in which wave (one row per partnership, wave and respondent).
SELECT DISTINCT partnership, wave, wave_start, respondent_id, partner
FROM response_rows
WHERE $partnership IS NULL OR partnership = $partnership
ORDER BY partnership, wave_start, respondent_id
