-- Schema version 7: how many people of each agency were invited to answer a wave's
-- survey, so that the share who answered (the response rate) can be shown. One row per
-- partnership, wave and agency; saving a wave's counts replaces that wave's rows.
CREATE TABLE invited (
    partnership VARCHAR NOT NULL,
    wave        VARCHAR NOT NULL,
    partner     VARCHAR NOT NULL,
    invited     INTEGER NOT NULL CHECK (invited >= 0),
    recorded_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR,
    PRIMARY KEY (partnership, wave, partner)
);
