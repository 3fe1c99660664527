-- Stored answers back in wide form (one row per respondent and wave), filtered
-- like the scores. The item columns are filled in by responses.answers_wide: one
-- filtered any_value per item, compared with a bound parameter. Missing answers stay empty.
-- For a preview of $limit rows, responses.answers_wide adds a semi-join with
-- `first_rows` after FROM, so that only those respondents' answers become rows.
WITH filtered AS (
    SELECT *
    FROM answers
    WHERE ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, partner))
      AND ($wave_from IS NULL OR wave_start >= $wave_from)
      AND ($wave_to IS NULL OR wave_start <= $wave_to)
),
first_rows AS (  -- the respondents of the first $limit rows, in the order below
    SELECT DISTINCT partnership, wave, wave_start, respondent_id, partner
    FROM filtered
    ORDER BY partnership, wave_start, partner, respondent_id
    LIMIT $limit
)
SELECT partnership, wave, wave_start, respondent_id, partner, role,
       {item_columns}
FROM filtered{only_first_rows}
GROUP BY partnership, wave, wave_start, respondent_id, partner, role
ORDER BY partnership, wave_start, partner, respondent_id
LIMIT $limit
