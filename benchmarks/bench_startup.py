"""Benchmark: whole-process time of short commands, against `python -c "import duckdb"`.

Run `python benchmarks/bench_startup.py [--repeats 7]`. Each round runs the anchor and
every command once, in turn, so that a busy machine slows them alike; the medians and
each command's ratio to the anchor are printed. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from child_bytecode import MODES, child_env, describe, package_folder

REPEATS = 7
# Whole-process targets in seconds (the anchor takes about 0.15 s on an idle machine).
TARGETS = {"--help": 0.3, "scores": 0.6}


def run_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one process, from start to exit."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return seconds


def commands(db: Path) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "anchor: import duckdb": [py, "-c", "import duckdb"],
        "--help": [py, "-m", "monitor", "--help"],
        "uploads": [py, "-m", "monitor", "uploads", "--db", str(db)],
        "scores": [py, "-m", "monitor", "scores", "--db", str(db)],
        "scores --by partner": [py, "-m", "monitor", "scores", "--db", str(db), "--by", "partner"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="rounds (7)")
    parser.add_argument(
        "--bytecode",
        choices=MODES,
        default="compiled",
        help="the package compiled first (as installed) or by every process (child_bytecode.py)",
    )
    args = parser.parse_args(argv)
    print(describe(args.bytecode))
    with (
        package_folder(args.bytecode) as package,
        tempfile.TemporaryDirectory(prefix="monitor-bench-") as folder,
    ):
        db = Path(folder) / "sample.duckdb"
        subprocess.run(  # by the package as installed (a copy has no sample data beside it)
            [sys.executable, "-m", "monitor", "demo", "--db", str(db)],
            capture_output=True,
            check=True,
        )
        env = child_env(package, args.bytecode)
        runs = commands(db)
        times: dict[str, list[float]] = {name: [] for name in runs}
        load_before = os.getloadavg()[0]
        for _ in range(args.repeats):
            for name, command in runs.items():
                times[name].append(run_seconds(command, env))
        load_after = os.getloadavg()[0]

    medians = {name: statistics.median(values) for name, values in times.items()}
    anchor = medians["anchor: import duckdb"]
    print(f"{'command':<24}{'median s':>9}{'x anchor':>10}   runs (s)")
    for name, values in times.items():
        runs_text = ", ".join(f"{v:.3f}" for v in values)
        print(f"{name:<24}{medians[name]:>9.3f}{medians[name] / anchor:>10.2f}   {runs_text}")
    print(f"load average before / after: {load_before:.2f} / {load_after:.2f}")
    met = True
    for name, target in TARGETS.items():
        ok = medians[name] < target
        met &= ok
        print(f"target {name} < {target} s: {medians[name]:.3f} s {'ok' if ok else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
