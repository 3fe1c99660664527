-- The audit list of uploads and removals.

-- name: insert
INSERT INTO audit (audit_id, happened_at, who, action, upload_id, file_name, details)
VALUES ((SELECT coalesce(max(audit_id), 0) + 1 FROM audit), $at, $who, $action, $upload_id,
        $file_name, $details);

-- name: list
SELECT happened_at, who, action, upload_id, file_name, details
FROM audit
ORDER BY audit_id DESC
LIMIT $limit;
