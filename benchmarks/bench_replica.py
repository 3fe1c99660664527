"""Benchmark: how long an app replica takes to catch up with PostgreSQL.

Run `python benchmarks/bench_replica.py [--rows 100000] [--out benchmarks/out]`.
It starts a throwaway PostgreSQL server (as the tests do), imports the seeded survey
of bench_import.py through one replica and times how long a second replica, opened
before the import, takes to catch up; then a new replica starting on the filled
store, a check when nothing changed, and catching up after a removal. Results go to
`<out>/replica_<rows>.json`. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import bench_import  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402

from monitor.ingest import import_survey  # noqa: E402
from monitor.scores import factor_scores  # noqa: E402
from monitor.store import lookups, uploads  # noqa: E402
from monitor.store.replica import ReplicaDatabase  # noqa: E402

REPEATS = 3
TARGET_CATCH_UP_S = 10.0  # a replica catches up on a 100k-row import within this


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def started(url: str) -> ReplicaDatabase:
    """A new replica with its copy made (as on a new process's first page load)."""
    replica = ReplicaDatabase(url)
    replica.refresh()
    return replica


def one_run(server: PostgresServer, csv_path: Path, n_rows: int) -> dict[str, float]:
    url = server.new_database()
    writer, reader = ReplicaDatabase(url), ReplicaDatabase(url)
    try:
        with csv_path.open("rb") as handle:
            import_s, result = timed(lambda: import_survey(writer, handle, csv_path.name))
        assert result.rows == n_rows, result.rows
        catch_up_s, _ = timed(reader.refresh)
        answers = lookups.count_answers(reader)
        assert answers == lookups.count_answers(writer) == result.answers
        unchanged_s, _ = timed(reader.refresh)
        scores_s, _ = timed(lambda: factor_scores(reader))
        start_s, newcomer = timed(lambda: started(url))
        newcomer.close()
        uploads.remove_upload(writer, result.upload_id)
        removal_s, _ = timed(reader.refresh)
        assert lookups.count_answers(reader) == 0
    finally:
        writer.close()
        reader.close()
    return {
        "import_through_replica": import_s,
        "catch_up_after_import": catch_up_s,
        "check_without_change": unchanged_s,
        "scores_on_caught_up_copy": scores_s,
        "new_replica_start": start_s,
        "catch_up_after_removal": removal_s,
        "answers": answers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="respondent rows (100000)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="output folder")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs (3)")
    args = parser.parse_args(argv)

    paths, _ = bench_import.survey_files(args.rows, args.out, ("csv",))
    csv_path = paths["csv"]
    server = PostgresServer().start()
    load_before = os.getloadavg()[0]
    try:
        runs = [one_run(server, csv_path, args.rows) for _ in range(args.repeats)]
    finally:
        server.stop()
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    report = {
        "rows": args.rows,
        "answers": runs[0]["answers"],
        "runs": runs,
        "median": median,
        "peak_rss_mb": bench_import.peak_rss_mb(),
        "target_catch_up_s": TARGET_CATCH_UP_S,
        "met": median["catch_up_after_import"] < TARGET_CATCH_UP_S,
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        "cpus": os.cpu_count(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"replica_{args.rows}.json").write_text(json.dumps(report, indent=2))
    print(f"{args.rows} rows, {report['answers']} answers, median of {args.repeats}:")
    for key, value in median.items():
        if key != "answers":
            print(f"  {key:<28} {value:8.3f} s")
    print(f"  peak RSS {report['peak_rss_mb']:.0f} MB; load {load_before:.1f} -> "
          f"{report['load_average']['after']:.1f}")  # fmt: skip
    return 0 if report["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
