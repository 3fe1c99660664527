-- The answers of a DuckDB store, kept in three tables (see migration_010.sql): the
-- respondents' rows (response_rows), one row per answer (item_answers) and the item
-- numbers (answer_items). The view `answers` joins them back.
-- Each statement is introduced by a line `-- name: <statement name>`.

-- name: number_items
-- A number for each item id of $item_ids that has none yet, after the highest given.
INSERT INTO answer_items (item, item_id)
SELECT (SELECT coalesce(max(item), 0) FROM answer_items) + row_number() OVER (ORDER BY item_id),
       item_id
FROM (SELECT DISTINCT unnest($item_ids::VARCHAR[]) AS item_id) AS given
ANTI JOIN answer_items USING (item_id);

-- name: rows_of_answers
-- The respondents' rows of answers in long form (registered as `__answers`) not stored
-- yet: the answers of one upload may come in several parts (a replica copies them in
-- batches), and one respondent's answers in two of them.
INSERT INTO response_rows (upload_id, source_row, partnership, wave, wave_start,
                           respondent_id, partner, role)
SELECT upload_id, source_row, partnership, wave, wave_start, respondent_id, partner, role
FROM __answers
EXCEPT
SELECT upload_id, source_row, partnership, wave, wave_start, respondent_id, partner, role
FROM response_rows
WHERE list_contains($ids, upload_id);

-- name: values_of_answers
-- The values of answers in long form (registered as `__answers`), under their items'
-- numbers.
INSERT INTO item_answers (upload_id, source_row, item, value)
SELECT a.upload_id, a.source_row, i.item, a.value
FROM __answers AS a
JOIN answer_items AS i USING (item_id);

-- name: shared_rows
-- A row of an upload in $ids that two respondents share (none, when each file row is one
-- respondent, as it always is in a file that was imported).
SELECT upload_id, source_row
FROM response_rows
WHERE list_contains($ids, upload_id)
GROUP BY upload_id, source_row
HAVING count(*) > 1
LIMIT 1;

-- name: delete_rows
DELETE FROM response_rows WHERE $ids IS NULL OR list_contains($ids, upload_id);

-- name: delete_values
DELETE FROM item_answers WHERE $ids IS NULL OR list_contains($ids, upload_id);
