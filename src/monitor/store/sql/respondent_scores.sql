-- Respondent factor scores, as kept in respondent_factor_scores (see kept_scores.sql:
-- the mean of a respondent's answered items of a factor, reverse-worded items flipped,
-- only where at least half of the factor's items were answered; `person` numbers the
-- respondent, one number per partnership and respondent_id).
-- The instrument's factors are the lists $factors, $factor_positions (instrument order)
-- and $factor_items (items per factor), one element per factor.
-- Parameters, NULL meaning all: $partnership, $partners (a list of partner names),
-- $wave_from and $wave_to (wave start dates).
WITH factor_size AS (
    SELECT unnest($factors) AS factor,
           CAST(unnest($factor_positions) AS BIGINT) AS factor_pos,
           CAST(unnest($factor_items) AS BIGINT) AS n_items
),
respondent_scores AS (
    SELECT
        k.partnership, k.wave, k.wave_start, k.respondent_id, k.person, k.partner, k.role,
        k.factor, f.factor_pos, k.score, k.n_answered, f.n_items
    FROM respondent_factor_scores AS k
    JOIN factor_size AS f USING (factor)
    WHERE ($partnership IS NULL OR k.partnership = $partnership)
      AND ($partners IS NULL OR list_contains($partners, k.partner))
      AND ($wave_from IS NULL OR k.wave_start >= $wave_from)
      AND ($wave_to IS NULL OR k.wave_start <= $wave_to)
)
