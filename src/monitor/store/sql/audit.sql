-- The audit list of uploads and removals.

-- name: insert
INSERT INTO audit (audit_id, happened_at, who, action, upload_id, file_name, details)
SELECT coalesce(max(audit_id), 0) + 1, $at, $who, $action, $upload_id, $file_name, $details
FROM audit;

-- name: list
SELECT happened_at, who, action, upload_id, file_name, details
FROM audit
ORDER BY audit_id DESC
LIMIT $limit;
