-- Waves with data, in time order (from the respondent counts kept per upload).
SELECT partnership, wave, min(wave_start) AS wave_start
FROM respondent_counts
WHERE $partnership IS NULL OR partnership = $partnership
GROUP BY partnership, wave
ORDER BY partnership, wave_start, wave
