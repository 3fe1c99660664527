-- Schema version 9: a number for each respondent of a partnership (table
-- respondent_keys), kept with their factor scores, so that matching a respondent's
-- scores across waves (the change test) joins on one integer instead of two texts.
-- The numbers are made with the scores (see kept_scores.py). The scores kept already
-- are numbered here, in wave order, so that they need not be made again.
CREATE TABLE respondent_keys (
    person        INTEGER NOT NULL,
    partnership   VARCHAR NOT NULL,
    respondent_id VARCHAR NOT NULL
);

INSERT INTO respondent_keys
SELECT row_number() OVER (ORDER BY partnership, respondent_id), partnership, respondent_id
FROM (SELECT DISTINCT partnership, respondent_id FROM respondent_factor_scores);

ALTER TABLE respondent_factor_scores RENAME TO unnumbered_scores;

CREATE TABLE respondent_factor_scores (
    upload_id     INTEGER NOT NULL,
    partnership   VARCHAR NOT NULL,
    wave          VARCHAR NOT NULL,
    wave_start    DATE NOT NULL,
    respondent_id VARCHAR NOT NULL,
    person        INTEGER NOT NULL,       -- respondent_keys.person of partnership and respondent_id
    partner       VARCHAR NOT NULL,
    role          VARCHAR,
    factor        VARCHAR NOT NULL,
    score         DOUBLE NOT NULL,        -- mean of the answered items, reverse ones flipped
    n_answered    INTEGER NOT NULL        -- items of the factor answered (at least half)
);

INSERT INTO respondent_factor_scores
SELECT s.upload_id, s.partnership, s.wave, s.wave_start, s.respondent_id, p.person,
       s.partner, s.role, s.factor, s.score, s.n_answered
FROM unnumbered_scores AS s
JOIN respondent_keys AS p USING (partnership, respondent_id)
ORDER BY s.wave_start;

DROP TABLE unnumbered_scores;
