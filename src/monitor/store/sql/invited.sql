-- People invited to answer, per partnership, wave and agency.

-- name: list
SELECT partnership, wave, partner, invited, recorded_at, recorded_by
FROM invited
WHERE ($partnership IS NULL OR partnership = $partnership)
  AND ($wave IS NULL OR wave = $wave)
ORDER BY partnership, wave, partner;

-- name: of_wave
SELECT partner, invited FROM invited
WHERE partnership = $partnership AND wave = $wave
ORDER BY partner;

-- name: delete_one
DELETE FROM invited WHERE partnership = $partnership AND wave = $wave AND partner = $partner;

-- name: insert
INSERT INTO invited (partnership, wave, partner, invited, recorded_at, recorded_by)
VALUES ($partnership, $wave, $partner, $invited, $at, $who);
