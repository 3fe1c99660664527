-- The list of schema migrations applied to a store (DuckDB and PostgreSQL alike).

-- name: create
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);

-- name: record
-- The versions in $versions, those not listed yet. A DuckDB store applies what it lacks in
-- one transaction and lists them at once; PostgreSQL lists each with its own migration.
INSERT INTO schema_migrations (version, applied_at)
SELECT version, $at
FROM (SELECT unnest($versions::INTEGER[]) AS version) AS given
WHERE version NOT IN (SELECT version FROM schema_migrations);
