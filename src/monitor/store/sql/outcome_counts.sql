-- Outcome counts per partnership, month and category (areas added together).
SELECT partnership, month, category, sum(count)::INTEGER AS count
FROM outcomes
WHERE $partnership IS NULL OR partnership = $partnership
GROUP BY partnership, month, category
ORDER BY partnership, month, category
