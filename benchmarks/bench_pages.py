"""Benchmark: how long a rerun of each dashboard page takes, under Streamlit's AppTest.

Run `python benchmarks/bench_pages.py [--rows 100000] [--reruns 15] [--out benchmarks/out]`.

Two stores are measured: the built-in sample data (loaded into a new database by the
app itself) and a large store of `--rows` respondent rows, imported from the seeded
survey of `bench_import.py` (8 partners, 4 waves) into a DuckDB file that is cached in
the out folder as `pages_<rows>_v<n>.duckdb` (each run works on a temporary copy).

For every page, in a new session: open the app, switch to the page (timed as "first"),
run it once more to warm up, then time
  - rerun:       `--reruns` reruns with nothing changed;
  - wave:        `--reruns` reruns, each after choosing another wave in the sidebar
                 (alternating between the last two waves, so the queries are cached);
  - wave_cold:   the same, but with `st.cache_data` cleared before each change, so
                 every query runs on the database (what a wave not seen yet costs).
Each session opens the app (the Overview) with `st.cache_data` cleared first ("open": a
cold render of the Overview). Targets: rerun and wave under 300 ms; the cold Overview and
cold wave changes under 3 s. Times include AppTest's own work
(script runner thread, message parsing); `apptest_floor` is a one-line app's rerun, and
the first run of a new AppTest (part of every "open").
Results go to `<out>/pages_<rows>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_import  # noqa: E402  (the seeded survey generator lives there)

import monitor  # noqa: E402
from monitor.ingest import import_survey  # noqa: E402
from monitor.ingest.safety import Limits  # noqa: E402
from monitor.scores import factor_scores  # noqa: E402
from monitor.store import Database, close_all  # noqa: E402
from monitor.store.database import SCHEMA_VERSION  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES = {
    "overview": "pages/overview.py",
    "trends": "pages/trends.py",
    "partners": "pages/partners.py",
    "upload": "pages/upload.py",
    "data": "pages/data.py",
}
NO_WAVE_FILTER = {"upload"}
TARGET_MS = 300.0
COLD_TARGET_MS = 3000.0  # the Overview opened, or a wave chosen, with no query cached
RUN_TIMEOUT = 300  # seconds; a cold page on a large store is slow on a small machine
STORE_VERSION = 2  # bump when the stored benchmark database must be rebuilt


# --- stores -----------------------------------------------------------------------------------


def large_store(n_rows: int, out: Path) -> tuple[Path, bool]:
    """The cached DuckDB file holding the generated survey of `n_rows` rows."""
    name = f"pages_{n_rows}_v{bench_import.GENERATOR_VERSION}.{STORE_VERSION}.{SCHEMA_VERSION}"
    path = out / f"{name}.duckdb"
    if path.exists():
        return path, False
    files, _ = bench_import.survey_files(n_rows, out, ("csv",))
    csv_path = files["csv"]
    started = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = Database(tmp)
    try:
        with csv_path.open("rb") as handle:
            result = import_survey(
                db,
                handle,
                csv_path.name,
                partnership=bench_import.PARTNERSHIP,
                uploaded_by="bench",
                limits=Limits(max_bytes=None, max_rows=max(n_rows, Limits.max_rows)),
            )
        imported = time.perf_counter() - started
        started = time.perf_counter()
        factor_scores(db)  # the first reading of a store makes its kept respondent scores
        kept = time.perf_counter() - started
    finally:
        db.close()
    tmp.replace(path)
    print(
        f"imported {result.rows} rows into {path.name} in {imported:.1f} s; "
        f"kept respondent scores made in {kept:.1f} s"
    )
    return path, True


def forget_everything() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    close_all()


# --- measuring --------------------------------------------------------------------------------


def timed(action: Callable[[], AppTest]) -> float:
    """Milliseconds `action` took; fails on an exception drawn by the page."""
    started = time.perf_counter()
    at = action()
    elapsed = (time.perf_counter() - started) * 1000
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].value}")
    return elapsed


def stats(times: list[float]) -> dict[str, object]:
    ordered = sorted(times)
    return {
        "median_ms": statistics.median(ordered),
        "min_ms": ordered[0],
        "max_ms": ordered[-1],
        "runs_ms": [round(t, 1) for t in times],
    }


def bench_page(page: str, reruns: int) -> dict[str, object]:
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    st.cache_data.clear()
    result: dict[str, object] = {"open_cold_ms": timed(at.run)}  # the Overview, no query cached
    if page != "overview":
        result["first_ms"] = timed(at.switch_page(PAGES[page]).run)
    timed(at.run)  # warm-up
    result["rerun"] = stats([timed(at.run) for _ in range(reruns)])
    if page in NO_WAVE_FILTER:
        return result

    options = at.sidebar.selectbox(key="wave").options
    choices = [options[-2], options[-1]] if len(options) > 1 else options

    def change_wave(i: int, cold: bool) -> float:
        if cold:
            st.cache_data.clear()
        wave = choices[i % len(choices)]
        return timed(lambda: at.sidebar.selectbox(key="wave").set_value(wave).run())

    change_wave(0, False)  # both waves seen once
    result["wave"] = stats([change_wave(i + 1, False) for i in range(reruns)])
    result["wave_cold"] = stats([change_wave(i, True) for i in range(reruns)])
    return result


def apptest_floor(reruns: int) -> dict[str, object]:
    """The rerun time of a one-line app (what AppTest itself costs), and the first run of
    a new one ("first_ms": it also scans the installed packages for components, which
    every "open" includes and a server does once, at start)."""
    source = "import streamlit as st\nst.write('x')\n"
    at = AppTest.from_string(source, default_timeout=30)
    first = timed(at.run)
    at.run()
    return {**stats([timed(at.run) for _ in range(reruns)]), "first_ms": first}


def bench_store(label: str, db_file: Path, sample: bool, reruns: int) -> dict[str, object]:
    forget_everything()
    os.environ["MONITOR_DB"] = str(db_file)
    os.environ["MONITOR_SAMPLE_ON_FIRST_RUN"] = "1" if sample else "0"
    pages = {}
    for name in PAGES:
        print(f"  {label}: {name}...", flush=True)
        pages[name] = bench_page(name, reruns)
    forget_everything()
    return pages


# --- report -----------------------------------------------------------------------------------

SCENARIOS = ("rerun", "wave", "wave_cold")


def print_table(report: dict[str, object]) -> None:
    print()
    header = f"{'store':<10}{'page':<10}{'open':>9}{'first':>9}" + "".join(
        f"{s:>12}" for s in SCENARIOS
    )
    print(header + "   (median ms; open = the app's first run with no query cached;")
    print(" " * 40 + "first = first run after switching to the page)")
    for store, pages in report["stores"].items():
        for page, res in pages.items():
            first = f"{res['first_ms']:.0f}" if "first_ms" in res else "-"
            cells = "".join(
                f"{res[s]['median_ms']:>12.0f}" if s in res else f"{'-':>12}" for s in SCENARIOS
            )
            print(f"{store:<10}{page:<10}{res['open_cold_ms']:>9.0f}{first:>9}{cells}")
    floor = report["apptest_floor"]
    print(
        f"\nAppTest floor (one-line app): rerun {floor['median_ms']:.0f} ms, "
        f"first run of a new AppTest {floor['first_ms']:.0f} ms"
    )
    print()
    for check in report["targets"]:
        verdict = "ok" if check["met"] else "MISSED"
        print(
            f"target {check['store']}/{check['page']}/{check['scenario']} "
            f"< {check.get('target_ms', TARGET_MS):.0f} ms: {check['median_ms']:.0f} ms {verdict}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the large store")
    parser.add_argument("--reruns", type=int, default=15, help="timed reruns per scenario (15)")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).with_name("out"), help="output folder"
    )
    args = parser.parse_args(argv)
    args.out = args.out.resolve()  # the run works in a temporary folder
    args.out.mkdir(parents=True, exist_ok=True)

    cached, built = large_store(args.rows, args.out)
    stores: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="monitor-bench-pages-") as folder:
        os.chdir(folder)  # no monitor.toml of the working folder applies
        sample_db = Path(folder) / "sample.duckdb"
        stores["sample"] = bench_store("sample", sample_db, True, args.reruns)
        large_db = Path(folder) / "large.duckdb"
        shutil.copyfile(cached, large_db)
        stores[f"{args.rows // 1000}k"] = bench_store(
            f"{args.rows // 1000}k", large_db, False, args.reruns
        )
    targets = [
        {
            "store": store,
            "page": page,
            "scenario": scenario,
            "median_ms": res[scenario]["median_ms"],
            "met": res[scenario]["median_ms"] < TARGET_MS,
        }
        for store, pages in stores.items()
        for page, res in pages.items()
        for scenario in ("rerun", "wave")
        if scenario in res
    ]
    targets += [
        {
            "store": store,
            "page": page,
            "scenario": scenario,
            "median_ms": value,
            "met": value < COLD_TARGET_MS,
            "target_ms": COLD_TARGET_MS,
        }
        for store, pages in stores.items()
        for page, res in pages.items()
        for scenario, value in (
            ("open_cold", res["open_cold_ms"]),
            ("wave_cold", res.get("wave_cold", {}).get("median_ms")),
        )
        if value is not None
        and (page == "overview" or scenario == "wave_cold")
        and not (store == "sample" and scenario == "open_cold")  # that run loads the sample
    ]
    report = {
        "rows": args.rows,
        "reruns": args.reruns,
        "target_ms": TARGET_MS,
        "large_store": {"name": cached.name, "bytes": cached.stat().st_size, "built": built},
        "stores": stores,
        "apptest_floor": apptest_floor(args.reruns),
        "targets": targets,
        "environment": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "streamlit": st.__version__,
            "monitor": getattr(monitor, "__version__", None),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    out_file = args.out / f"pages_{args.rows}.json"
    out_file.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    print(f"\nresults written to {out_file}")
    return 0 if all(t["met"] for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
