"""Benchmark: group factor scores from kept respondent scores against a pandas groupby.

Run `python benchmarks/bench_scores.py [--respondents 1333334] [--repeats 5]`. The answers
(respondents x instrument items) are generated with SQL straight into a temporary DuckDB
store. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from monitor.instrument import load_instrument
from monitor.scores import factor_scores
from monitor.store import Database, answer_tables, scoring

REPEATS = 5
RESPONDENTS = 1_333_334  # x 30 items = 40M answers
WAVES = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
WAVES_START = ("2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01")
PARTNERS = 8
# Straight into the store's answer tables (see answer_tables.py): the rows of the
# respondents, then their answers under the items' numbers.
GENERATE_ROWS = """
INSERT INTO response_rows
SELECT 1, r + 2, 'Benchmark Partnership', w.wave, w.wave_start,
       'R' || lpad(r::VARCHAR, 7, '0'), 'Partner ' || (hash(r, 'p') % $partners),
       ['Senior manager', 'Manager', 'Practitioner', 'Analyst'][(1 + hash(r, 'r') % 4)::BIGINT]
FROM range($respondents) AS t(r)
JOIN waves AS w ON w.pos = r % 4
"""
GENERATE_ANSWERS = """
INSERT INTO item_answers
SELECT 1, r + 2, i.item,
       CASE WHEN hash(r, i.item_id, 'm') % 100 < 3 THEN NULL
            ELSE 1 + (hash(r, i.item_id) % 5)::DOUBLE END
FROM range($respondents) AS t(r)
CROSS JOIN answer_items AS i
"""
TARGETS = {"wall_s": 1.5, "cpu_ratio": 0.5}


def build_store(path: Path, respondents: int) -> Database:
    db = Database(path)
    instrument = load_instrument()
    waves = pd.DataFrame(
        {"pos": range(len(WAVES)), "wave": WAVES, "wave_start": pd.to_datetime(WAVES_START)}
    )
    params = {"respondents": respondents, "partners": PARTNERS}
    with db.transaction() as cur:
        cur.register("waves", waves)
        answer_tables.number_items(cur, list(instrument.item_ids))
        cur.execute(GENERATE_ROWS, params)
        cur.execute(GENERATE_ANSWERS, {"respondents": respondents})
    return db


def pandas_scores(answers: pd.DataFrame, items: pd.DataFrame, scale_sum: int) -> pd.DataFrame:
    """The same computation as a notebook would do it: respondent scores (reverse items
    flipped, at least half the factor's items answered), then the group mean, sd, n and
    95% t-interval per partnership, wave and factor."""
    from scipy.special import stdtrit

    frame = answers.merge(items, on="item_id")
    frame["value"] = np.where(frame["reverse"], scale_sum - frame["value"], frame["value"])
    keys = ["partnership", "wave", "respondent_id", "partner", "factor"]
    per = frame.groupby(keys, observed=True)["value"].agg(["mean", "count"]).reset_index()
    size = items.groupby("factor").size()
    per = per[2 * per["count"] >= per["factor"].map(size)]
    groups = per.groupby(["partnership", "wave", "factor"])["mean"]
    out = groups.agg(n="count", mean="mean", sd="std").reset_index()
    half = stdtrit(out["n"] - 1, 0.975) * out["sd"] / np.sqrt(out["n"])
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    return out


def timed(fn) -> tuple[dict[str, float], object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=RESPONDENTS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    instrument = load_instrument()
    items = instrument.items_frame()[["item_id", "factor", "reverse"]]
    scale_sum = instrument.scale_min + instrument.scale_max

    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as folder:
        started = time.perf_counter()
        db = build_store(Path(folder) / "scores.duckdb", args.respondents)
        n_answers = db.query_rows("SELECT count(*) FROM answers")[0][0]
        print(f"generated {n_answers:,} answers in {time.perf_counter() - started:.1f} s")
        keep, _ = timed(lambda: scoring.make_scores_current(db, instrument))
        print(f"kept respondent scores made in {keep['wall']:.2f} s ({keep['cpu']:.2f} s cpu)")
        answers = db.query_df(
            "SELECT partnership, wave, respondent_id, partner, item_id, value FROM answers"
        )
        factor_scores(db, instrument=instrument)  # first call: loads the t table
        runs: dict[str, list[dict[str, float]]] = {"kept (factor_scores)": [], "pandas": []}
        for _ in range(args.repeats):  # A/B interleaved
            a, ours = timed(lambda: factor_scores(db, instrument=instrument))
            b, theirs = timed(lambda: pandas_scores(answers, items, scale_sum))
            runs["kept (factor_scores)"].append(a)
            runs["pandas"].append(b)
        db.close()

    merged = ours.merge(theirs, on=["partnership", "wave", "factor"], suffixes=("", "_pd"))
    same = len(merged) == len(ours) == len(theirs) and np.allclose(
        merged["mean"], merged["mean_pd"]
    )
    medians = {
        name: {m: statistics.median(r[m] for r in values) for m in ("wall", "cpu")}
        for name, values in runs.items()
    }
    print(f"\n{'':<22}{'wall s':>8}{'cpu s':>8}   wall runs (s)")
    for name, values in runs.items():
        text = ", ".join(f"{r['wall']:.3f}" for r in values)
        print(f"{name:<22}{medians[name]['wall']:>8.3f}{medians[name]['cpu']:>8.3f}   {text}")
    ours_m, theirs_m = medians["kept (factor_scores)"], medians["pandas"]
    wall_ratio, cpu_ratio = ours_m["wall"] / theirs_m["wall"], ours_m["cpu"] / theirs_m["cpu"]
    print(
        f"ratio kept / pandas: {wall_ratio:.2f}x wall, {cpu_ratio:.2f}x cpu; same results: {same}"
    )
    print(f"load average: {os.getloadavg()[0]:.2f}")
    met = ours_m["wall"] < TARGETS["wall_s"] and cpu_ratio < TARGETS["cpu_ratio"] and same
    print(
        f"targets: < {TARGETS['wall_s']} s wall and < {TARGETS['cpu_ratio']}x the pandas cpu "
        f"(at {n_answers:,} answers): {'ok' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
