-- Respondents of a staged survey file whose answers for the same partnership and wave
-- are stored already (first ten). Registered: `staged` (the new file's respondents).
WITH incoming AS (
    SELECT DISTINCT partnership, wave, respondent_id FROM staged
)
SELECT DISTINCT a.respondent_id, a.wave
FROM response_rows AS a
JOIN incoming AS i USING (partnership, wave, respondent_id)
ORDER BY a.wave, a.respondent_id
LIMIT 10
