"""Benchmark: what sharing the DuckDB file with other processes costs the dashboard, and
how long a command-line import waits for its turn while the dashboard is busy.

Run `python benchmarks/bench_sharing.py [--rows 100000] [--rounds 2] [--reruns 10]
[--cold 2] [--idle 1] [--imports 3] [--out benchmarks/out]`.

The store is the large one of `bench_pages.py` (`--rows` generated respondent rows, 8
partners, 4 waves), on a temporary copy. Two ways of holding it are compared:

  held    one read-write connection kept open for the server's life (before sharing:
          no other process could use the file while the dashboard ran);
  shared  what `open_database` gives: read-only connections, closed after
          `sharing.LINGER_SECONDS` idle or as soon as a writer waits.

Part 1, page runs under AppTest, interleaved: each round measures `held` then `shared`
(a new session each, after dropping every cache) on the Overview page of the large
partnership:

  rerun       a rerun with nothing changed (every query cached);
  cold        another wave chosen with the query cache cleared first (every query runs);
  after_idle  the same, after the page was left alone for longer than the linger time
              (`shared` then opens a new connection and reads the file afresh).

`held` is the anchor: the median of each and the ratio shared / held are printed.

Part 2, a command-line import while the dashboard serves: a thread reruns the page
without pause (query cache cleared each time, so its connection is nearly always in
use), and `python -m monitor import` stores a small survey (35 respondents) in another
process. Interleaved with imports while the dashboard is idle (the anchor). Printed:
the import's wall time, the time its write waited for a turn (logged by the library),
and the page runs that overlapped the import.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_import  # noqa: E402
import bench_pages  # noqa: E402  (the large store lives there)

from monitor.store import Database, registry, sharing  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SAMPLE = ROOT / "sample_data" / "riverside_2025-Q2.csv"
RUN_TIMEOUT = 300
WAITED = re.compile(r"a write waited ([0-9.]+) s for its turn")
SCHEMES = {"held": False, "shared": True}


def use(path: Path, scheme: str) -> Database:
    """Make the app's store `path` held the way `scheme` says (a new object, caches dropped)."""
    bench_pages.forget_everything()
    db = Database(path, shared=SCHEMES[scheme])
    # The app opens its store through the registry: hand it this object.
    registry._open[str(path.resolve())] = db
    return db


timed = bench_pages.timed  # milliseconds of a page run; fails on a page's exception


class Page:
    """One session on the Overview page, switching between its last two waves."""

    def __init__(self) -> None:
        self.at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
        timed(self.at.run)
        # With more than one partnership (after the imports): the large one.
        for box in self.at.sidebar.selectbox:
            if box.key == "partnership" and box.value != bench_import.PARTNERSHIP:
                timed(lambda box=box: box.set_value(bench_import.PARTNERSHIP).run())
        timed(self.at.run)
        options = self.at.sidebar.selectbox(key="wave").options
        self.waves = options[-2:] if len(options) > 1 else options
        self.turn = 0

    def rerun(self) -> float:
        return timed(self.at.run)

    def cold(self) -> float:
        st.cache_data.clear()
        self.turn += 1
        wave = self.waves[self.turn % len(self.waves)]
        return timed(lambda: self.at.sidebar.selectbox(key="wave").set_value(wave).run())


def page_round(
    scheme: str, path: Path, reruns: int, cold: int, idle: int
) -> dict[str, list[float]]:
    db = use(path, scheme)
    page = Page()
    result = {
        "rerun": [page.rerun() for _ in range(reruns)],
        "cold": [page.cold() for _ in range(cold)],
        "after_idle": [],
    }
    for _ in range(idle):
        time.sleep(sharing.LINGER_SECONDS + 0.5)
        result["after_idle"].append(page.cold())
    bench_pages.forget_everything()
    db.close()
    return result


# --- part 2: an import while the dashboard serves -------------------------------------------


def survey_file(folder: Path, number: int) -> Path:
    """A small survey of its own wave (so no import is refused as a repeat)."""
    wave = f"{2030 + number}-Q1"
    path = folder / f"import_{number}.csv"
    path.write_text(SAMPLE.read_text().replace("2025-Q2", wave), encoding="utf-8")
    return path


CLI = (
    "import logging, sys\n"
    "logging.basicConfig(level=logging.WARNING, format='%(message)s')\n"
    "logging.getLogger('monitor.store.sharing').setLevel(logging.DEBUG)\n"
    "from monitor.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def cli_import(path: Path, file: Path) -> dict[str, float]:
    """`python -m monitor import` (the same `main`, with the library's debug log on)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    args = ["import", "--db", str(path), "--partnership", "Bench imports", str(file)]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the import failed: {done.stderr.strip()}")
    waits = [float(w) for w in WAITED.findall(done.stderr)]
    return {"wall_s": wall, "waited_s": sum(waits), "started": started, "ended": started + wall}


class Serving(threading.Thread):
    """Page runs without pause, every query run (the busiest a dashboard gets)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.page = Page()
        self.stop = threading.Event()
        self.runs: list[tuple[float, float]] = []  # (started, ms)

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            self.runs.append((started, self.page.cold()))


def import_rounds(path: Path, folder: Path, imports: int) -> dict[str, object]:
    use(path, "shared")
    idle, busy, overlapped = [], [], []
    for number in range(imports):
        idle.append(cli_import(path, survey_file(folder, 2 * number)))
        serving = Serving()
        serving.start()
        time.sleep(1.0)  # it is running queries
        result = cli_import(path, survey_file(folder, 2 * number + 1))
        serving.stop.set()
        serving.join()
        busy.append(result)
        overlapped += [
            ms
            for started, ms in serving.runs
            if started < result["ended"] and started + ms / 1000 > result["started"]
        ]
    bench_pages.forget_everything()
    return {"idle": idle, "busy": busy, "page_runs_ms": overlapped}


# --- report ---------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the large store")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (2)")
    parser.add_argument("--reruns", type=int, default=10, help="unchanged reruns per round (10)")
    parser.add_argument("--cold", type=int, default=2, help="cold runs per round (2)")
    parser.add_argument("--idle", type=int, default=1, help="after-idle runs per round (1)")
    parser.add_argument("--imports", type=int, default=3, help="imports of each kind (3)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("out"))
    args = parser.parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    cached, _ = bench_pages.large_store(args.rows, args.out)
    with tempfile.TemporaryDirectory(prefix="monitor-bench-sharing-") as folder:
        os.chdir(folder)  # no monitor.toml of the working folder applies
        path = Path(folder) / "large.duckdb"
        shutil.copyfile(cached, path)
        os.environ["MONITOR_DB"] = str(path)
        os.environ["MONITOR_SAMPLE_ON_FIRST_RUN"] = "0"

        pages: dict[str, dict[str, list[float]]] = {s: {} for s in SCHEMES}
        for number in range(args.rounds):
            for scheme in SCHEMES:
                print(f"round {number + 1}: {scheme}...", flush=True)
                measured = page_round(scheme, path, args.reruns, args.cold, args.idle)
                for scenario, times in measured.items():
                    pages[scheme].setdefault(scenario, []).extend(times)
        print("imports...", flush=True)
        imports = import_rounds(path, Path(folder), args.imports)

    report = {
        "rows": args.rows,
        "linger_s": sharing.LINGER_SECONDS,
        "pages_ms": pages,
        "imports": imports,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    out_file = args.out / f"sharing_{args.rows}.json"
    out_file.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_report(report)
    print(f"\nresults written to {out_file}")
    return 0


def print_report(report: dict) -> None:
    pages = report["pages_ms"]
    print(f"\nOverview page on the {report['rows'] // 1000}k store (median ms, AppTest)")
    print(f"{'scenario':<12}{'held (anchor)':>15}{'shared':>10}{'ratio':>8}")
    for scenario in pages["held"]:
        held, shared = median(pages["held"][scenario]), median(pages["shared"][scenario])
        print(f"{scenario:<12}{held:>15.0f}{shared:>10.0f}{shared / held:>8.2f}")
    imports = report["imports"]
    idle = [r["wall_s"] for r in imports["idle"]]
    busy = [r["wall_s"] for r in imports["busy"]]
    waited_idle = [r["waited_s"] for r in imports["idle"]]
    waited_busy = [r["waited_s"] for r in imports["busy"]]
    print("\nCommand-line import of 35 respondents (median s)")
    print(f"{'dashboard':<12}{'wall':>8}{'waited for the turn':>22}")
    print(f"{'idle':<12}{median(idle):>8.2f}{median(waited_idle):>22.3f}   (anchor)")
    print(f"{'serving':<12}{median(busy):>8.2f}{median(waited_busy):>22.3f}")
    print(f"ratio serving / idle (wall): {median(busy) / median(idle):.2f}")
    print(f"longest wait for the turn while serving: {max(waited_busy, default=0):.3f} s")
    runs = imports["page_runs_ms"]
    if runs:
        print(
            f"page runs while serving: {len(runs)}, median {median(runs):.0f} ms, "
            f"longest {max(runs):.0f} ms"
        )
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in report['load_average'])}")


if __name__ == "__main__":
    sys.exit(main())
