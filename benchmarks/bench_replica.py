"""Benchmark: how long an app replica takes to catch up with PostgreSQL.

Run `python benchmarks/bench_replica.py [--rows 100000] [--out benchmarks/out]`.
It starts a throwaway PostgreSQL server (as the tests do), imports the seeded survey
of bench_import.py through one replica and times how long two replicas opened before
the import take to catch up (one new, one that has shown scores and so keeps the new
upload's respondent scores too); then a check when nothing changed, a new replica
starting on the filled store, and catching up after a removal. The anchor, measured in
the same run just before the new replica starts, is a plain `COPY answers TO STDOUT`
read into Arrow. Results go to `<out>/replica_<rows>.json`. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv

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
TARGET_START_S = 3.0  # a new replica starts on the store of a 100k-row import within this
ANSWER_TYPES = {
    "upload_id": pa.int32(), "partnership": pa.string(), "wave": pa.string(),
    "wave_start": pa.date32(), "respondent_id": pa.string(), "partner": pa.string(),
    "role": pa.string(), "source_row": pa.int32(), "item_id": pa.string(), "value": pa.float64(),
}  # fmt: skip


RATIOS = ("catch_up_after_import", "catch_up_keeping_scores", "new_replica_start")


class Steps:
    """Wall and CPU seconds (CPU of this process: not the PostgreSQL server's) of named
    steps, in the order run."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, name: str, fn):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        self.wall[name] = time.perf_counter() - wall
        self.cpu[name] = time.process_time() - cpu
        return value


def copied_answers(url: str) -> pa.Table:
    """The anchor: every answer with a plain COPY as CSV, read into Arrow with the types
    given (the least a copy by COPY costs: no upload records, no local insert)."""
    out = io.BytesIO()
    query = "COPY answers TO STDOUT (FORMAT csv)"
    with psycopg.connect(url) as con, con.cursor() as cur, cur.copy(query) as copy:
        for data in copy:
            out.write(data)
    out.seek(0)
    return pacsv.read_csv(
        out,
        read_options=pacsv.ReadOptions(column_names=list(ANSWER_TYPES)),
        convert_options=pacsv.ConvertOptions(column_types=ANSWER_TYPES),
    )


def started(url: str) -> ReplicaDatabase:
    """A new replica with its copy made (as on a new process's first page load)."""
    replica = ReplicaDatabase(url)
    replica.refresh()
    return replica


def one_run(server: PostgresServer, csv_path: Path, n_rows: int) -> dict:
    url = server.new_database()
    writer, reader, serving = (ReplicaDatabase(url) for _ in range(3))
    step = Steps()
    try:
        factor_scores(serving)  # a replica that has shown scores keeps respondent scores
        with csv_path.open("rb") as handle:
            result = step(
                "import_through_replica", lambda: import_survey(writer, handle, csv_path.name)
            )
        assert result.rows == n_rows, result.rows
        step("catch_up_after_import", reader.refresh)
        step("catch_up_keeping_scores", serving.refresh)
        answers = lookups.count_answers(reader)
        assert answers == lookups.count_answers(serving) == result.answers
        assert answers == lookups.count_answers(writer)
        step("check_without_change", reader.refresh)
        step("scores_on_caught_up_copy", lambda: factor_scores(reader))
        copied = step("anchor_copy_answers", lambda: copied_answers(url))
        assert copied.num_rows == answers
        del copied
        step("new_replica_start", lambda: started(url)).close()
        uploads.remove_upload(writer, result.upload_id)
        step("catch_up_after_removal", reader.refresh)
        assert lookups.count_answers(reader) == 0
    finally:
        for replica in (writer, reader, serving):
            replica.close()
    return {"wall": step.wall, "cpu": step.cpu, "answers": answers}


def medians(runs: list[dict], kind: str) -> dict[str, float]:
    return {k: statistics.median(r[kind][k] for r in runs) for k in runs[0][kind]}


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
    median, cpu = medians(runs, "wall"), medians(runs, "cpu")
    anchor = median["anchor_copy_answers"]
    ratios = {k: median[k] / anchor for k in RATIOS}
    catch_up, start = median["catch_up_after_import"], median["new_replica_start"]
    met = {
        f"catch_up_after_import < {TARGET_CATCH_UP_S:g} s": catch_up < TARGET_CATCH_UP_S,
        f"new_replica_start < {TARGET_START_S:g} s": start < TARGET_START_S,
    }
    report = {
        "rows": args.rows,
        "answers": runs[0]["answers"],
        "runs": runs,
        "median": median,
        "median_cpu": cpu,
        "peak_rss_mb": bench_import.peak_rss_mb(),
        "ratio_to_anchor": ratios,
        "target_catch_up_s": TARGET_CATCH_UP_S,
        "target_start_s": TARGET_START_S,
        "targets": met,
        "met": all(met.values()),
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        "cpus": os.cpu_count(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"replica_{args.rows}.json").write_text(json.dumps(report, indent=2))
    print(f"{args.rows} rows, {report['answers']} answers, median of {args.repeats}:")
    print(f"  {'step':<28} {'wall':>9} {'CPU':>9}")
    for key, value in median.items():
        ratio = f"  {ratios[key]:5.2f}x anchor" if key in ratios else ""
        print(f"  {key:<28} {value:7.3f} s {cpu[key]:7.3f} s{ratio}")
    for target, ok in met.items():
        print(f"  target {target}: {'met' if ok else 'MISSED'}")
    print(f"  peak RSS {report['peak_rss_mb']:.0f} MB; load {load_before:.1f} -> "
          f"{report['load_average']['after']:.1f}")  # fmt: skip
    return 0 if report["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
