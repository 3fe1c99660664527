-- Settings changed on the dashboard's settings page; they override the defaults,
-- monitor.toml and the environment. Values are stored as text.
CREATE TABLE IF NOT EXISTS settings (
    name       VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by VARCHAR
);
