-- Kept respondent factor scores (table respondent_factor_scores, see migration_006.sql
-- and migration_009.sql), the respondents' numbers (respondent_keys, migration_009.sql),
-- the sums of repeat respondents' scores (wave_pair_sums, migration_011.sql) and
-- respondent counts (table respondent_counts, see migration_008.sql).
-- Each statement is introduced by a line `-- name: <statement name>`.

-- name: keys
-- A number (respondent_keys.person) for each respondent of the uploads in $ids (of every
-- upload when $ids is NULL) who has none yet: one per partnership and respondent_id,
-- after the highest given.
INSERT INTO respondent_keys (person, partnership, respondent_id)
SELECT (SELECT coalesce(max(person), 0) FROM respondent_keys)
       + row_number() OVER (ORDER BY n.partnership, n.respondent_id),
       n.partnership, n.respondent_id
FROM (
    SELECT DISTINCT partnership, respondent_id
    FROM response_rows
    WHERE $ids IS NULL OR list_contains($ids, upload_id)
) AS n
ANTI JOIN respondent_keys AS k USING (partnership, respondent_id);

-- name: build
-- The respondent factor scores of the uploads in $ids (of every upload when $ids is NULL):
-- the mean of a respondent's answered items of a factor, reverse-worded items flipped
-- ($scale_sum = scale min + max); a respondent who answered fewer than half of the
-- factor's items gets no score for it. The items scored are the lists $item_ids,
-- $item_factors and $item_reverse (one element per item). Read from the answer tables
-- themselves (see answer_tables.py): the answers are grouped per response row and factor
-- on integers, and only the scores are joined to the rows' fields and to each
-- respondent's number (`keys`, run first). They are stored in wave order, so that a
-- reading of some waves skips the blocks of the others (after making them all again,
-- too).
INSERT INTO respondent_factor_scores (upload_id, partnership, wave, wave_start,
                                      respondent_id, person, partner, role, factor, score,
                                      n_answered)
WITH listed AS (
    SELECT item_id, factor, reverse, count(*) OVER (PARTITION BY factor) AS n_items
    FROM (SELECT unnest($item_ids) AS item_id, unnest($item_factors) AS factor,
                 unnest($item_reverse) AS reverse)
),
scored_items AS (  -- the items answered in this store, under their numbers
    SELECT n.item, l.factor, l.reverse, l.n_items
    FROM listed AS l
    JOIN answer_items AS n USING (item_id)
),
scores AS MATERIALIZED (
    SELECT
        a.upload_id, a.source_row, i.factor,
        avg(CASE WHEN i.reverse THEN $scale_sum - a.value ELSE a.value END) AS score,
        count(a.value) AS n_answered
    FROM item_answers AS a
    JOIN scored_items AS i USING (item)
    WHERE $ids IS NULL OR list_contains($ids, a.upload_id)
    GROUP BY a.upload_id, a.source_row, i.factor
    HAVING 2 * count(a.value) >= any_value(i.n_items)
)
SELECT s.upload_id, r.partnership, r.wave, r.wave_start, r.respondent_id, p.person,
       r.partner, r.role, s.factor, s.score, s.n_answered
FROM scores AS s
JOIN response_rows AS r USING (upload_id, source_row)
JOIN respondent_keys AS p ON p.partnership = r.partnership AND p.respondent_id = r.respondent_id
ORDER BY r.wave_start;

-- name: pairs
-- The sums of the repeat respondents' scores (table wave_pair_sums, migration_011.sql) that
-- involve the uploads in $ids (every upload when $ids is NULL), after `build`: each kept
-- score of those uploads is matched with the same respondent's score of the same factor in
-- every other wave, of any upload. Two scores of uploads in $ids are matched once (from the
-- earlier wave label), and every sum is stored both ways round. Only the scores of those
-- uploads' respondents are read, and they are matched and summed on integers: factors by
-- their number among $item_factors, and each partnership, wave and agency (a side) by a
-- number of its own; the texts are put back on the few sums.
INSERT INTO wave_pair_sums
WITH factor_numbers AS (
    SELECT factor, row_number() OVER (ORDER BY factor) AS factor_no
    FROM (SELECT DISTINCT unnest($item_factors) AS factor)
),
new_people AS (  -- the respondents of those uploads
    SELECT DISTINCT person FROM respondent_factor_scores
    WHERE $ids IS NOT NULL AND list_contains($ids, upload_id)
),
chosen AS MATERIALIZED (  -- every score of those respondents
    SELECT * FROM respondent_factor_scores
    WHERE $ids IS NULL OR person IN (SELECT person FROM new_people)
),
sides AS MATERIALIZED (
    SELECT partnership, wave, wave_start, partner,
           row_number() OVER (ORDER BY partnership, wave, wave_start, partner) AS side
    FROM (SELECT DISTINCT partnership, wave, wave_start, partner FROM chosen)
),
numbered AS MATERIALIZED (
    SELECT k.upload_id, f.factor_no, s.side, k.person, k.wave, k.score,
           $ids IS NULL OR list_contains($ids, k.upload_id) AS new
    FROM chosen AS k
    JOIN factor_numbers AS f USING (factor)
    JOIN sides AS s USING (partnership, wave, wave_start, partner)
),
sums AS MATERIALIZED (
    SELECT a.upload_id AS upload_a, b.upload_id AS upload_b, a.factor_no, a.side AS side_a,
           b.side AS side_b, count(*) AS n, sum(a.score) AS sum_a, sum(b.score) AS sum_b,
           sum(a.score * a.score) AS sum_aa, sum(b.score * b.score) AS sum_bb,
           sum(a.score * b.score) AS sum_ab, min(a.score) AS min_a, max(a.score) AS max_a,
           min(b.score) AS min_b, max(b.score) AS max_b
    FROM numbered AS a
    JOIN numbered AS b
      ON b.person = a.person AND b.factor_no = a.factor_no AND b.wave <> a.wave
    WHERE a.new AND NOT (b.new AND b.wave < a.wave)
    GROUP BY ALL
),
named AS (
    SELECT p.upload_a, p.upload_b, a.partnership, f.factor, a.wave AS wave_a,
           a.wave_start AS wave_start_a, a.partner AS partner_a, b.wave AS wave_b,
           b.wave_start AS wave_start_b, b.partner AS partner_b, p.n, p.sum_a, p.sum_b,
           p.sum_aa, p.sum_bb, p.sum_ab, p.min_a, p.max_a, p.min_b, p.max_b
    FROM sums AS p
    JOIN factor_numbers AS f USING (factor_no)
    JOIN sides AS a ON a.side = p.side_a
    JOIN sides AS b ON b.side = p.side_b
)
SELECT * FROM named
UNION ALL
SELECT upload_b, upload_a, partnership, factor, wave_b, wave_start_b, partner_b, wave_a,
       wave_start_a, partner_a, n, sum_b, sum_a, sum_bb, sum_aa, sum_ab, min_b, max_b, min_a,
       max_a
FROM named;

-- name: drop_pairs
DELETE FROM wave_pair_sums
WHERE $ids IS NULL OR list_contains($ids, upload_a) OR list_contains($ids, upload_b);

-- name: drop
DELETE FROM respondent_factor_scores WHERE $ids IS NULL OR list_contains($ids, upload_id);

-- name: drop_keys
-- The numbers of respondents left without kept scores (after `drop`; all of them when
-- every score was dropped).
DELETE FROM respondent_keys
WHERE person NOT IN (SELECT DISTINCT person FROM respondent_factor_scores);

-- name: count
-- The respondents of the uploads in $ids (every upload when $ids is NULL) counted per
-- partnership, wave and agency (table respondent_counts, see migration_008.sql). A
-- respondent answers a wave of a partnership once, in one upload, so the counts of
-- several uploads add up to the distinct respondents.
INSERT INTO respondent_counts (upload_id, partnership, wave, wave_start, partner, respondents)
SELECT upload_id, partnership, wave, wave_start, partner, count(DISTINCT respondent_id)
FROM response_rows
WHERE $ids IS NULL OR list_contains($ids, upload_id)
GROUP BY upload_id, partnership, wave, wave_start, partner;

-- name: drop_counts
DELETE FROM respondent_counts WHERE $ids IS NULL OR list_contains($ids, upload_id);

-- name: noted
SELECT key, value FROM meta WHERE key IN ('scores_instrument', 'scores_fingerprint');

-- name: note
INSERT OR REPLACE INTO meta VALUES ('scores_instrument', $instrument),
                                   ('scores_fingerprint', $fingerprint);
