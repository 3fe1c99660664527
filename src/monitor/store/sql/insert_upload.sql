-- The record of one upload (any kind), written inside the upload's transaction.
INSERT INTO uploads (upload_id, kind, file_name, sha256, uploaded_at, uploaded_by,
                     partnership, waves, n_rows, n_answers)
VALUES ($upload_id, $kind, $file_name, $sha256, $uploaded_at, $uploaded_by,
        $partnership, $waves, $n_rows, $n_answers)
