-- Schema version 11: the repeat respondents' factor scores of every two waves, summed
-- (table wave_pair_sums), so that the change test reads a few sums instead of matching
-- every respondent of two waves (see kept_scores.py, statement `pairs`). One row per
-- two uploads, waves, agencies and a factor, for the respondents (`person`) who gave a
-- score for that factor in both waves: side a is the respondent's score in wave_a, side
-- b in wave_b. Each pair of waves is kept both ways round (a, b and b, a). Made and
-- removed with the kept respondent scores; a PostgreSQL store keeps none.
CREATE TABLE wave_pair_sums (
    upload_a     INTEGER NOT NULL,
    upload_b     INTEGER NOT NULL,
    partnership  VARCHAR NOT NULL,
    factor       VARCHAR NOT NULL,
    wave_a       VARCHAR NOT NULL,
    wave_start_a DATE NOT NULL,
    partner_a    VARCHAR NOT NULL,
    wave_b       VARCHAR NOT NULL,
    wave_start_b DATE NOT NULL,
    partner_b    VARCHAR NOT NULL,
    n            BIGINT NOT NULL,         -- respondents scored in both waves
    sum_a        DOUBLE NOT NULL,         -- sum of their scores in wave_a
    sum_b        DOUBLE NOT NULL,
    sum_aa       DOUBLE NOT NULL,         -- sum of squares
    sum_bb       DOUBLE NOT NULL,
    sum_ab       DOUBLE NOT NULL,         -- sum of products of each one's two scores
    min_a        DOUBLE NOT NULL,
    max_a        DOUBLE NOT NULL,
    min_b        DOUBLE NOT NULL,
    max_b        DOUBLE NOT NULL
);

-- The kept scores have no sums yet: forgetting the instrument they were made with makes
-- them all again, with their sums, at the first reading.
DELETE FROM meta WHERE key = 'scores_fingerprint';
