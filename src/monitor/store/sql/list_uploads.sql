SELECT upload_id, kind, file_name, uploaded_at, uploaded_by, partnership,
       array_to_string(waves, ', ') AS waves, n_rows, n_answers, sha256
FROM uploads
ORDER BY upload_id DESC
