-- Store one staged survey file. Runs inside the upload's transaction.
-- Registered: `staged` (the output of stage_survey). Parameters: the upload record.

-- name: upload
INSERT INTO uploads (upload_id, kind, file_name, sha256, uploaded_at, uploaded_by,
                     partnership, waves, n_rows, n_answers)
VALUES ($upload_id, 'survey', $file_name, $sha256, $uploaded_at, $uploaded_by,
        $partnership, $waves, $n_rows, $n_answers);

-- name: answers
INSERT INTO answers
SELECT $upload_id, partnership, wave, wave_start, respondent_id, partner, role,
       source_row, item_id, value
FROM staged;
