-- The respondents of the first $limit rows of answers_wide.sql, in its order (joined
-- there so that a preview does not turn every answer into rows first).
SEMI JOIN (
    SELECT DISTINCT partnership, wave, wave_start, respondent_id, partner
    FROM answers
    WHERE ($partnership IS NULL OR partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, partner))
      AND ($wave_from IS NULL OR wave_start >= $wave_from)
      AND ($wave_to IS NULL OR wave_start <= $wave_to)
    ORDER BY partnership, wave_start, partner, respondent_id
    LIMIT $limit
) AS first_rows USING (partnership, wave, respondent_id)
