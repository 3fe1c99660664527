-- Schema version 9: a number for each respondent of a partnership (table
-- respondent_keys), kept with their factor scores, so that matching a respondent's
-- scores across waves (the change test) joins on one integer instead of two texts.
-- The numbers are made with the scores (see kept_scores.py) and hold nothing of their
-- own: the scores are made again, with their numbers, at the first reading.
CREATE TABLE respondent_keys (
    person        INTEGER NOT NULL,
    partnership   VARCHAR NOT NULL,
    respondent_id VARCHAR NOT NULL
);

DROP TABLE respondent_factor_scores;

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

DELETE FROM meta WHERE key IN ('scores_instrument', 'scores_fingerprint');
