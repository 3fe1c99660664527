-- Schema version 8: respondents counted per upload, partnership, wave and agency, kept
-- beside the answers like the respondent factor scores: made when a survey upload is
-- stored and removed with it (see kept_scores.py), so that the lists of partnerships,
-- waves and agencies and the counts of respondents read a few rows instead of every
-- answer. A PostgreSQL store keeps none: each replica counts its own when it catches up.
CREATE TABLE respondent_counts (
    upload_id   INTEGER NOT NULL,
    partnership VARCHAR NOT NULL,
    wave        VARCHAR NOT NULL,
    wave_start  DATE NOT NULL,
    partner     VARCHAR NOT NULL,
    respondents INTEGER NOT NULL
);

INSERT INTO respondent_counts
SELECT upload_id, partnership, wave, wave_start, partner, count(DISTINCT respondent_id)
FROM answers
GROUP BY upload_id, partnership, wave, wave_start, partner;
