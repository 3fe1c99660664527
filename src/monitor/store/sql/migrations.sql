-- The list of schema migrations applied to a store (DuckDB and PostgreSQL alike).

-- name: create
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);

-- name: record
INSERT INTO schema_migrations (version, applied_at)
SELECT $version, $at
WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $version);

-- name: record_all
-- Several at once ($versions): a DuckDB store applies what it lacks in one transaction.
INSERT INTO schema_migrations (version, applied_at)
SELECT version, $at
FROM (SELECT unnest($versions::INTEGER[]) AS version)
WHERE version NOT IN (SELECT version FROM schema_migrations);
