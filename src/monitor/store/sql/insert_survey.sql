-- Store one staged survey file. Runs inside the upload's transaction.
-- Registered: `staged` (the output of stage_survey). Parameters: the upload record.

-- name: answers
INSERT INTO answers
SELECT $upload_id, partnership, wave, wave_start, respondent_id, partner, role,
       source_row, item_id, value
FROM staged;
