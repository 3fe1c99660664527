"""Benchmark: import platform-style exports (Qualtrics CSV, Microsoft Forms xlsx).

Run `python benchmarks/bench_platforms.py [--rows 100000] [--out benchmarks/out]`.
The files are generated (seeded) in the out folder; results go to
`<out>/platforms_<rows>.json`. Each file is imported into a fresh database; the
median of `--repeats` runs is reported, split into safety checks + reading,
detection + mapping, and the whole import (prepare + commit).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from monitor.ingest import commit_survey, prepare_survey
from monitor.ingest.mapping import propose_mapping
from monitor.ingest.platforms import detect_layout
from monitor.ingest.readers import read_sheet
from monitor.instrument import load_instrument
from monitor.store import Database

SEED = 20250102
PARTNERS = ("Police", "Council", "Health", "Education", "Housing", "Fire", "Probation", "Youth")
ROLES = ("Senior manager", "Manager", "Practitioner")


def _answers(rng: np.random.Generator, n_rows: int, n_items: int) -> np.ndarray:
    answers = rng.integers(1, 6, size=(n_rows, n_items)).astype(object)
    answers[rng.random((n_rows, n_items)) < 0.03] = -99
    return answers


def qualtrics_csv(path: Path, n_rows: int) -> None:
    instrument = load_instrument()
    rng = np.random.default_rng(SEED)
    meta = ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished"]
    meta += ["RecordedDate", "ResponseId", "UserLanguage"]
    ids = meta + ["Q1", "Q2"] + [f"Q3_{k + 1}" for k in range(len(instrument.items))]
    texts = meta + ["Which agency do you work for?", "Your role"]
    texts += [f"Please rate - {i.statement}" for i in instrument.items]
    answers = _answers(rng, n_rows, len(instrument.items))
    partners = rng.integers(0, len(PARTNERS), n_rows)
    roles = rng.integers(0, len(ROLES), n_rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ids)
        writer.writerow(texts)
        writer.writerow([json.dumps({"ImportId": i}) for i in ids])
        for n in range(n_rows):
            month = 1 + n % 3
            when = f"2025-0{month}-1{n % 10} 10:00:00"
            writer.writerow(
                [when, when, "0", "100", "600", "True", when, f"R_{n:08d}", "EN"]
                + [PARTNERS[partners[n]], ROLES[roles[n]]]
                + list(answers[n])
            )


def forms_xlsx(path: Path, n_rows: int) -> None:
    instrument = load_instrument()
    rng = np.random.default_rng(SEED + 1)
    labels = instrument.labels
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(
        ["Id", "Start time", "Completion time", "Email", "Name", "Agency", "Role"]
        + [i.statement for i in instrument.items]
    )
    answers = rng.integers(1, 6, size=(n_rows, len(instrument.items)))
    for n in range(n_rows):
        when = f"4/{1 + n % 28}/2025 9:00:00"
        sheet.append(
            [n + 1, when, when, "anonymous", "", PARTNERS[n % 8], ROLES[n % 3]]
            + [labels[int(a)] for a in answers[n]]
        )
    workbook.save(path)


def run_once(path: Path) -> dict[str, float]:
    data = path.read_bytes()
    started = time.perf_counter()
    sheet = read_sheet(data, path.name)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    layout = detect_layout(sheet)
    propose_mapping(layout, load_instrument())
    detect_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "bench.duckdb")
        started = time.perf_counter()
        prepared = prepare_survey(db, io.BytesIO(data), path.name, confirmed=True)
        commit_survey(db, prepared)
        total_s = time.perf_counter() - started
        db.close()
    return {"read_s": read_s, "detect_map_s": detect_s, "total_s": total_s, "layout": layout.name}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    files = {
        "qualtrics_csv": (args.out / f"qualtrics_{args.rows}.csv", qualtrics_csv),
        "ms_forms_xlsx": (args.out / f"ms_forms_{args.rows}.xlsx", forms_xlsx),
    }
    results: dict[str, object] = {"rows": args.rows}
    for key, (path, build) in files.items():
        if not path.exists():
            build(path, args.rows)
        runs = [run_once(path) for _ in range(args.repeats)]
        summary = {
            step: round(statistics.median(r[step] for r in runs), 3)
            for step in ("read_s", "detect_map_s", "total_s")
        }
        summary["layout"] = runs[0]["layout"]
        summary["rows_per_s"] = round(args.rows / summary["total_s"])
        summary["file_mb"] = round(path.stat().st_size / 1e6, 1)
        results[key] = summary
        print(key, summary, file=sys.stderr)
    (args.out / f"platforms_{args.rows}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
