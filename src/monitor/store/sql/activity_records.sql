-- Activity records of one partnership (or all), in date order.
SELECT partnership, activity_date, activity, partner, representative, attended, role,
       minutes_recorded, staff_hours, resources, info_shared
FROM activity
WHERE $partnership IS NULL OR partnership = $partnership
ORDER BY partnership, activity_date, activity, partner, source_row
