-- Stored answers back in wide form (one row per respondent and wave), filtered
-- like the scores. The item columns are filled in by responses.answers_wide: one
-- filtered any_value per item, compared with a bound parameter. Missing answers stay empty.
-- The join after FROM is left out for every row; for a preview of $limit rows it is
-- a semi-join with the respondents of the first rows (first_rows.sql), so that only
-- their answers are turned into rows.
SELECT partnership, wave, wave_start, respondent_id, partner, role,
       {item_columns}
FROM answers{first_rows}
WHERE ($partnership IS NULL OR partnership = $partnership)
  AND ($partners IS NULL OR list_contains($partners, partner))
  AND ($wave_from IS NULL OR wave_start >= $wave_from)
  AND ($wave_to IS NULL OR wave_start <= $wave_to)
GROUP BY partnership, wave, wave_start, respondent_id, partner, role
ORDER BY partnership, wave_start, partner, respondent_id
LIMIT $limit
