-- Store one staged activity or outcomes file inside the upload's transaction.
-- Registered: `staged`. Parameters: the upload record.

-- name: activity
INSERT INTO activity
SELECT $upload_id, partnership, activity_date, activity, partner, representative, attended,
       role, minutes_recorded, staff_hours, resources, info_shared, source_row
FROM staged;

-- name: outcomes
INSERT INTO outcomes
SELECT $upload_id, partnership, area, month, category, count
FROM staged;
