-- Respondents already stored for the given partnerships and waves.
SELECT DISTINCT partnership, wave, respondent_id, upload_id
FROM response_rows
WHERE list_contains($partnerships, partnership) AND list_contains($waves, wave)
