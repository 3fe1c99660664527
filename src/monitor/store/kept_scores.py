"""Respondent factor scores kept beside the answers (table respondent_factor_scores), and
respondents counted per partnership, wave and agency (table respondent_counts).

Each respondent (partnership and respondent_id) of the uploads scored has a number (table
respondent_keys, made with their scores and removed when none of their scores is left),
so that their scores of two waves are matched on one integer. The scores of the
respondents who answered two waves are summed per two uploads, waves, agencies and factor
(table wave_pair_sums: n, sums, sums of squares and of products, least and greatest),
so that the change test reads their correlation from a few rows (`respondents.wave_overlap`)
instead of matching every respondent of the two waves again.

A survey upload's scores, sums and counts are made in the transaction that stores it and
removed with it; group scores then read one row per respondent and factor, and the lists
of waves and agencies a few rows. The counts do not depend on the instrument; the
instrument the scores were made with is noted in `meta` with its fingerprint: reading
with an instrument of another fingerprint (other items, factors, reverse flags or
scale) makes them all again.
Only DuckDB keeps them: a PostgreSQL store has none, and each replica makes its own
when it catches up (see `replica`). `scoring.respondent_scores_sql` makes them current
before they are read.
"""

from __future__ import annotations

import hashlib
import json

import duckdb

from monitor.instrument import Instrument
from monitor.store.sqlfiles import sql_statements

KEPT_TABLE = "respondent_factor_scores"


def statements() -> dict[str, str]:
    return sql_statements("kept_scores.sql")


def describe(instrument: Instrument) -> str:
    """What the scores depend on, as canonical JSON: the scale and each item's factor and
    reverse flag (not names, wording, order or bands)."""
    items = sorted((item.id, item.factor, bool(item.reverse)) for item in instrument.items)
    scale_sum = instrument.scale_min + instrument.scale_max
    return json.dumps({"scale_sum": scale_sum, "items": items}, separators=(",", ":"))


def fingerprint(description: str) -> str:
    return hashlib.sha256(description.encode("utf-8")).hexdigest()


def noted(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute(statements()["noted"]).fetchall())


def keep(cur: duckdb.DuckDBPyConnection, upload_ids: list[int] | None) -> None:
    """Make the counts and the scores of `upload_ids` (every upload: None), inside the
    caller's transaction, the scores with the instrument noted (none while no instrument
    is noted: the first reading makes them all)."""
    cur.execute(statements()["count"], {"ids": upload_ids})
    make_scores(cur, upload_ids)


def make_scores(cur: duckdb.DuckDBPyConnection, upload_ids: list[int] | None) -> None:
    """Make the scores (not the counts) of `upload_ids` (every upload: None) with the
    instrument noted, and the sums of their repeat respondents' scores, inside the
    caller's transaction; none while none is noted."""
    description = noted(cur).get("scores_instrument")
    if description is None:
        return
    scoring = json.loads(description)
    if not scoring["items"]:
        return
    ids, factors, reverse = (list(column) for column in zip(*scoring["items"], strict=True))
    params = {"item_ids": ids, "item_factors": factors, "item_reverse": reverse}
    cur.execute(statements()["keys"], {"ids": upload_ids})
    cur.execute(
        statements()["build"], {"scale_sum": scoring["scale_sum"], "ids": upload_ids, **params}
    )
    cur.execute(statements()["pairs"], {"ids": upload_ids, "item_factors": factors})


def drop(cur: duckdb.DuckDBPyConnection, upload_ids: list[int] | None) -> None:
    """Remove the scores and counts of `upload_ids` (all: None), inside the caller's
    transaction."""
    drop_scores(cur, upload_ids)
    cur.execute(statements()["drop_counts"], {"ids": upload_ids})


def drop_scores(cur: duckdb.DuckDBPyConnection, upload_ids: list[int] | None) -> None:
    """Remove the scores (not the counts) of `upload_ids` (all: None), the sums of repeat
    respondents involving them, and the numbers of the respondents left without any."""
    cur.execute(statements()["drop_pairs"], {"ids": upload_ids})
    cur.execute(statements()["drop"], {"ids": upload_ids})
    cur.execute(statements()["drop_keys"])
