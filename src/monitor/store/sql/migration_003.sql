-- Schema version 3: activity records (meetings and activities) and outcome counts.

-- One row per partner at one meeting or activity of a partnership.
CREATE TABLE activity (
    upload_id        INTEGER NOT NULL,
    partnership      VARCHAR NOT NULL,
    activity_date    DATE NOT NULL,
    activity         VARCHAR NOT NULL,     -- e.g. 'Board meeting', 'Joint patrol'
    partner          VARCHAR NOT NULL,
    representative   VARCHAR,              -- name or pseudonym; blank when nobody came
    attended         BOOLEAN NOT NULL,
    role             VARCHAR,              -- role or seniority of the representative
    minutes_recorded BOOLEAN,
    staff_hours      DOUBLE,
    resources        DOUBLE,               -- money or in-kind resources, in currency units
    info_shared      INTEGER,              -- information-sharing actions
    source_row       INTEGER NOT NULL
);

-- Crime and disorder counts of a partnership's area by month and category.
CREATE TABLE outcomes (
    upload_id   INTEGER NOT NULL,
    partnership VARCHAR NOT NULL,
    area        VARCHAR NOT NULL,
    month       DATE NOT NULL,             -- first day of the month
    category    VARCHAR NOT NULL,
    count       INTEGER NOT NULL
);
