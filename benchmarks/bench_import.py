"""Benchmark: import a large survey file (xlsx and csv) and compute factor scores.

Run `python benchmarks/bench_import.py [--rows 100000] [--out benchmarks/out]`.
The generated files are seeded and cached in the out folder; results go to
`<out>/results_<rows>.json`. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import numpy as np
from child_bytecode import MODES, child_env, describe, package_folder
from openpyxl import Workbook

import monitor
from monitor.ingest import commit_survey, prepare_survey
from monitor.ingest import survey as survey_module
from monitor.ingest.safety import Limits
from monitor.instrument import load_instrument
from monitor.scores import factor_scores
from monitor.store import Database
from monitor.template import response_columns

SEED = 20250101
REPEATS = 3
PARTNERSHIP = "Benchmark Partnership"
WAVES = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
PARTNERS = (
    "Police",
    "Council",
    "Health",
    "Education",
    "Housing",
    "Fire and Rescue",
    "Probation",
    "Community Group",
)
ROLES = ("Senior manager", "Manager", "Practitioner", "Analyst")
MISSING_RATE = 0.03  # share of answers that are missing (blank or a missing label)
LABEL_RATE = 0.10  # share of given answers written as a label instead of a number
MISSING_LABELS = ("Don't know", "N/A")
TARGETS = {"scores_s": 0.5}
LIMITS = Limits(max_bytes=None, max_uncompressed_bytes=10**10, max_rows=10**7)
GENERATOR_VERSION = 1  # bump when the generated data change, so cached files are rebuilt


# --- data -------------------------------------------------------------------------------------


def generate_rows(n_rows: int) -> tuple[list[str], list[list[object]]]:
    """The header and `n_rows` response rows; answers are ints, labels or None (blank)."""
    instrument = load_instrument()
    header = response_columns(instrument)
    n_items = len(instrument.item_ids)
    rng = np.random.default_rng(SEED)

    per_wave = -(-n_rows // len(WAVES))
    respondent = np.arange(n_rows) % per_wave
    wave = np.arange(n_rows) // per_wave
    partner = rng.integers(0, len(PARTNERS), per_wave)[respondent]
    role = rng.choice(len(ROLES), per_wave, p=[0.2, 0.3, 0.4, 0.1])[respondent]

    level = rng.normal(3.4, 0.5, (n_rows, 1)) + rng.normal(0, 0.3, (1, n_items))
    answers = np.clip(np.rint(level + rng.normal(0, 0.9, (n_rows, n_items))), 1, 5).astype(int)
    kind = rng.random((n_rows, n_items))
    missing_label = rng.integers(0, len(MISSING_LABELS), (n_rows, n_items))
    labels = instrument.labels

    order = rng.permutation(n_rows)  # rows in no particular order, as exports often are
    rows = []
    for i in order:
        cells: list[object] = [
            f"R{respondent[i] + 1:06d}",
            PARTNERS[partner[i]],
            ROLES[role[i]],
            WAVES[wave[i]],
        ]
        for j in range(n_items):
            k = kind[i, j]
            if k < MISSING_RATE * 2 / 3:
                cells.append(None)
            elif k < MISSING_RATE:
                cells.append(MISSING_LABELS[missing_label[i, j]])
            elif k < MISSING_RATE + LABEL_RATE:
                cells.append(labels[int(answers[i, j])])
            else:
                cells.append(int(answers[i, j]))
        rows.append(cells)
    return header, rows


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Responses")
    ws.append(header)
    for row in rows:
        ws.append(row)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.replace(path)


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    tmp.replace(path)


def survey_files(
    n_rows: int, out: Path, formats: tuple[str, ...] = ("xlsx", "csv")
) -> tuple[dict[str, Path], bool]:
    """The cached files of `formats` for `n_rows` rows, generated when missing."""
    stem = f"survey_{n_rows}_v{GENERATOR_VERSION}"
    paths = {kind: out / f"{stem}.{kind}" for kind in formats}
    missing = [kind for kind, path in paths.items() if not path.exists()]
    if not missing:
        return paths, False
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    header, rows = generate_rows(n_rows)
    print(f"generated {n_rows} rows in {time.perf_counter() - started:.1f} s", flush=True)
    writers = {"csv": write_csv, "xlsx": write_xlsx}
    for kind in missing:
        started = time.perf_counter()
        writers[kind](paths[kind], header, rows)
        print(f"wrote {paths[kind].name} in {time.perf_counter() - started:.1f} s", flush=True)
    return paths, True


# --- measuring --------------------------------------------------------------------------------


@contextmanager
def fresh_database():
    """A new on-disk DuckDB file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as folder:
        db = Database(Path(folder) / "bench.duckdb")
        try:
            yield db
        finally:
            db.close()


def peak_rss_mb() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / (1024 * 1024) if sys.platform == "darwin" else usage / 1024


def import_once(db: Database, path: Path, expected_rows: int) -> dict[str, float]:
    """Import one file as `import_survey` does (prepare, then commit), timing each phase."""
    read_seconds = []
    real_read = survey_module.read_sheet

    def timed_read(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real_read(*args, **kwargs)
        finally:
            read_seconds.append(time.perf_counter() - started)

    started, cpu_started = time.perf_counter(), time.process_time()
    with mock.patch.object(survey_module, "read_sheet", timed_read), path.open("rb") as handle:
        prepared = prepare_survey(db, handle, path.name, partnership=PARTNERSHIP, limits=LIMITS)
    prepared_at = time.perf_counter()
    result = commit_survey(db, prepared, uploaded_by="benchmark")
    done, cpu_done = time.perf_counter(), time.process_time()
    if result.rows != expected_rows:
        raise RuntimeError(f"imported {result.rows} rows, expected {expected_rows}")
    return {
        "read": read_seconds[0],
        "validate_stage": prepared_at - started - read_seconds[0],
        "store": done - prepared_at,
        "total": done - started,
        "total_cpu": cpu_done - cpu_started,
        "answers": result.answers,
    }


def summarise(runs: list[dict[str, float]]) -> dict[str, object]:
    keys = [k for k in runs[0] if k != "answers"]
    return {
        "median": {k: statistics.median(r[k] for r in runs) for k in keys},
        "runs": [{k: r[k] for k in keys} for r in runs],
        "answers": runs[0].get("answers"),
    }


def bench_import(path: Path, n_rows: int, repeats: int) -> dict[str, object]:
    runs = []
    for _ in range(repeats):
        with fresh_database() as db:
            runs.append(import_once(db, path, n_rows))
    return summarise(runs)


def time_call(fn: Callable[[], object]) -> dict[str, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    fn()
    return {"total": time.perf_counter() - started, "total_cpu": time.process_time() - cpu_started}


def bench_scores(xlsx: Path, n_rows: int, repeats: int) -> dict[str, object]:
    results: dict[str, object] = {}
    with fresh_database() as db:
        import_once(db, xlsx, n_rows)
        for by in (None, "partner", "role"):
            runs = [time_call(lambda by=by: factor_scores(db, by=by)) for _ in range(repeats)]
            results[by or "all"] = summarise(runs)
    return results


# --- whole processes: the import against its anchors ----------------------------------------

# Each child is a new interpreter that imports what it needs and reads the file at argv[1].
IMPORT_CHILD = """
import os, sys, tempfile
from monitor.ingest import import_survey
from monitor.ingest.safety import Limits
from monitor.store import Database
limits = Limits(max_bytes=None, max_uncompressed_bytes=10**10, max_rows=10**7)
with tempfile.TemporaryDirectory(prefix="monitor-bench-") as folder:
    db = Database(os.path.join(folder, "bench.duckdb"))
    with open(sys.argv[1], "rb") as handle:
        result = import_survey(db, handle, os.path.basename(sys.argv[1]),
                               partnership="Benchmark Partnership", limits=limits)
    db.close()
assert result.rows == int(sys.argv[2]), result.rows
"""
ANCHORS = {
    "fastexcel raw parse": (
        "xlsx",
        "import sys, fastexcel; fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow()",
    ),
    "pandas+openpyxl": (
        "xlsx",
        "import sys, pandas; pandas.read_excel(sys.argv[1], engine='openpyxl')",
    ),
    "duckdb.read_csv": (
        "csv",
        "import sys, duckdb; duckdb.read_csv(sys.argv[1]).to_arrow_table()",
    ),
}
# (what, anchor, most allowed: what / anchor) for the wall time; the last is a floor.
WHOLE_TARGETS = (
    ("import xlsx", "fastexcel raw parse", 2.0),
    ("import csv", "duckdb.read_csv", 2.0),
)
SLOWER_ANCHOR = ("import xlsx", "pandas+openpyxl", 0.1)  # at least 10x faster
PEAK_TARGET_MB = {100_000: 600, 500_000: 1000}


# Appended to each child: its own peak RSS (VmHWM, in kB), written where PEAK_FILE says.
# (The peak that wait4 reports also counts the parent's pages from before the exec.)
PEAK_FOOTER = """
import os as _os
with open("/proc/self/status") as _status, open(_os.environ["PEAK_FILE"], "w") as _out:
    _out.write(next(l for l in _status if l.startswith("VmHWM")).split()[1])
"""


def run_child(code: str, *args: str, package: tuple[str, str]) -> dict[str, float]:
    """Wall time, CPU time (user + system) and peak RSS of one new Python process, which
    imports the package in `package` (its folder and bytecode mode, see child_bytecode.py)."""
    handle, peak_file = tempfile.mkstemp(prefix="monitor-peak-")
    os.close(handle)
    env = child_env(*package, PEAK_FILE=peak_file)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code + PEAK_FOOTER, *args], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"child failed ({child.returncode}): {error.strip()[-2000:]}")
    peak_mb = int(Path(peak_file).read_text()) / 1024
    Path(peak_file).unlink()
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_rss_mb": peak_mb}


def bench_whole(
    paths: dict[str, Path], n_rows: int, rounds: int, anchors: list[str], package: tuple[str, str]
) -> dict[str, dict]:
    """Each round runs every import and anchor once, in turn (A/B interleaved)."""
    runs: dict[str, list[dict[str, float]]] = {}
    for _ in range(rounds):
        for kind, path in paths.items():
            name = f"import {kind}"
            run = run_child(IMPORT_CHILD, str(path), str(n_rows), package=package)
            runs.setdefault(name, []).append(run)
            print(f"  {name}: {runs[name][-1]['wall']:.2f} s", flush=True)
            for anchor in anchors:
                if ANCHORS[anchor][0] == kind:
                    run = run_child(ANCHORS[anchor][1], str(path), package=package)
                    runs.setdefault(anchor, []).append(run)
                    print(f"  {anchor}: {runs[anchor][-1]['wall']:.2f} s", flush=True)
    return {
        name: {
            "median": {k: statistics.median(r[k] for r in rs) for k in rs[0]},
            "runs": rs,
        }
        for name, rs in runs.items()
    }


def whole_checks(whole: dict[str, dict], n_rows: int) -> dict[str, dict]:
    """Ratios against the anchors of the same run, and the peak memory of the imports."""
    checks = {}
    for what, anchor, most in (*WHOLE_TARGETS, SLOWER_ANCHOR):
        if what in whole and anchor in whole:
            ratio = whole[what]["median"]["wall"] / whole[anchor]["median"]["wall"]
            cpu = whole[what]["median"]["cpu"] / whole[anchor]["median"]["cpu"]
            checks[f"{what} / {anchor}"] = {
                "target": most,
                "measured": ratio,
                "cpu_ratio": cpu,
                "met": ratio <= most,
            }
    limit = PEAK_TARGET_MB.get(n_rows)
    for what in ("import xlsx", "import csv"):
        if limit and what in whole:
            peak = max(r["peak_rss_mb"] for r in whole[what]["runs"])
            checks[f"{what} peak RSS MB"] = {"target": limit, "measured": peak, "met": peak < limit}
    return checks


def print_whole(whole: dict[str, dict], checks: dict[str, dict], load: dict) -> None:
    print()
    print(f"{'whole process':<24}{'wall s':>9}{'cpu s':>9}{'peak MB':>9}   wall runs (s)")
    for name, res in whole.items():
        med = res["median"]
        runs = ", ".join(f"{r['wall']:.2f}" for r in res["runs"])
        print(f"{name:<24}{med['wall']:>9.2f}{med['cpu']:>9.2f}{med['peak_rss_mb']:>9.0f}   {runs}")
    print(f"load average before / after: {load['before']:.2f} / {load['after']:.2f}")
    for name, check in checks.items():
        verdict = "ok" if check["met"] else "MISSED"
        if "cpu_ratio" in check:
            print(
                f"{name}: {check['measured']:.2f}x wall ({check['cpu_ratio']:.2f}x cpu), "
                f"target <= {check['target']}x: {verdict}"
            )
        else:
            print(f"{name}: {check['measured']:.0f}, target < {check['target']}: {verdict}")


# --- report -----------------------------------------------------------------------------------


def _line(step: str, res: dict, key: str) -> str:
    cpu = res["median"].get(f"{key}_cpu")
    cpu_text = f"{cpu:>9.3f}" if cpu is not None else " " * 9
    runs = ", ".join(f"{r[key]:.3f}" for r in res["runs"])
    return f"{step:<30}{res['median'][key]:>9.3f}{cpu_text}   {runs}"


def print_table(report: dict[str, object]) -> None:
    print()
    print(f"{'step':<30}{'median s':>9}{'cpu s':>9}   runs (s)")
    for name, res in report["import"].items():
        for phase in ("read", "validate_stage", "store", "total"):
            print(_line(f"import {name}: {phase}", res, phase))
    for by, res in report["scores"].items():
        print(_line(f"factor_scores by {by}", res, "total"))
    print(f"{'peak RSS of this process (MB)':<30}{report['peak_rss_mb']:>9.0f}")
    print()
    for name, check in report["targets"].items():
        verdict = "ok" if check["met"] else "MISSED"
        print(f"target {name} < {check['target']} s: {check['measured']:.3f} s {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="respondent rows (100000)")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).with_name("out"), help="output folder"
    )
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs per measurement (3)")
    parser.add_argument("--formats", default="xlsx,csv", help="file formats to import (xlsx,csv)")
    parser.add_argument(
        "--whole-only", action="store_true", help="only the whole-process comparison"
    )
    parser.add_argument(
        "--no-pandas", action="store_true", help="leave out the slow pandas+openpyxl anchor"
    )
    parser.add_argument(
        "--bytecode",
        choices=MODES,
        default="compiled",
        help="the package compiled first (as installed) or by every process (child_bytecode.py)",
    )
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())

    paths, generated = survey_files(args.rows, args.out, formats)
    anchors = [a for a in ANCHORS if not (args.no_pandas and a == "pandas+openpyxl")]
    load_before = os.getloadavg()[0]
    print("whole processes, interleaved:", flush=True)
    print(describe(args.bytecode), flush=True)
    with package_folder(args.bytecode) as folder:
        whole = bench_whole(paths, args.rows, args.repeats, anchors, (folder, args.bytecode))
    checks = whole_checks(whole, args.rows)
    report: dict[str, object] = {
        "rows": args.rows,
        "items": len(load_instrument().item_ids),
        "repeats": args.repeats,
        "files": {k: {"name": p.name, "bytes": p.stat().st_size} for k, p in paths.items()},
        "generated_this_run": generated,
        "bytecode": args.bytecode,
        "whole_process": whole,
        "whole_checks": checks,
    }
    met = all(c["met"] for c in checks.values())
    if not args.whole_only:
        imports = {k: bench_import(path, args.rows, args.repeats) for k, path in paths.items()}
        source = paths.get("xlsx") or paths["csv"]
        scores = bench_scores(source, args.rows, args.repeats)
        slowest_scores = max(s["median"]["total"] for s in scores.values())
        report["import"] = imports
        report["scores"] = scores
        report["peak_rss_mb"] = peak_rss_mb()
        report["targets"] = {
            "scores_s": {
                "target": TARGETS["scores_s"],
                "measured": slowest_scores,
                "met": slowest_scores < TARGETS["scores_s"],
            },
        }
        met = met and all(t["met"] for t in report["targets"].values())
    load = {"before": load_before, "after": os.getloadavg()[0]}
    report["environment"] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": load,
        "monitor": getattr(monitor, "__version__", None),
    }
    report["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    out_file = args.out / f"results_{args.rows}.json"
    out_file.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if not args.whole_only:
        print_table(report)
    print_whole(whole, checks, load)
    print(describe(args.bytecode))
    print(f"\nresults written to {out_file}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
