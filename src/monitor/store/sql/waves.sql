-- Waves with data, in time order.
SELECT partnership, wave, min(wave_start) AS wave_start
FROM answers
WHERE $partnership IS NULL OR partnership = $partnership
GROUP BY partnership, wave
ORDER BY partnership, wave_start, wave
