-- Waves with data, in time order, with the number of respondents in each.
SELECT partnership, wave, min(wave_start) AS wave_start,
       count(DISTINCT respondent_id) AS respondents
FROM answers
WHERE $partnership IS NULL OR partnership = $partnership
GROUP BY partnership, wave
ORDER BY partnership, wave_start, wave
