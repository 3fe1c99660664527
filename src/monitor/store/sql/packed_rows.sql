-- The packed copies of uploads' rows in PostgreSQL (table packed_rows, see
-- pg_migration_003.sql and packed.py). psycopg parameters.

-- name: insert
INSERT INTO packed_rows (upload_id, table_name, n_rows, data)
VALUES (%(upload_id)s, %(table)s, %(n_rows)s, %(data)s);

-- name: select
SELECT upload_id, n_rows, data FROM packed_rows
WHERE table_name = %(table)s AND upload_id = ANY(%(ids)s)
ORDER BY upload_id;
