-- Each respondent's factor scores, kept when a survey upload is stored and removed with
-- it, so that group scores read one row per respondent and factor instead of averaging
-- every answer again. They are made from `answers` with the instrument noted in `meta`
-- ('scores_instrument', with its fingerprint 'scores_fingerprint') and made again whole
-- when the instrument in use differs (see kept_scores.py). A PostgreSQL store keeps
-- none: each replica makes its own when it catches up.
CREATE TABLE respondent_factor_scores (
    upload_id     INTEGER NOT NULL,
    partnership   VARCHAR NOT NULL,
    wave          VARCHAR NOT NULL,
    wave_start    DATE NOT NULL,
    respondent_id VARCHAR NOT NULL,
    partner       VARCHAR NOT NULL,
    role          VARCHAR,
    factor        VARCHAR NOT NULL,
    score         DOUBLE NOT NULL,        -- mean of the answered items, reverse ones flipped
    n_answered    INTEGER NOT NULL        -- items of the factor answered (at least half)
);
