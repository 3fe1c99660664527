"""Which package a whole-process benchmark starts: compiled, or compiled by each process.

A process that imports the monitor reads each module's bytecode from its `__pycache__`
folder when it is there, and compiles the module's source when it is not: about 0.1 s for
the modules of an import, paid by every process. An installed package has its bytecode, and
so has a checkout once it has run, unless PYTHONDONTWRITEBYTECODE is set (as in many
containers): then Python never writes it, and every start compiles again.

So the benchmarks that time whole processes say which they measure (`--bytecode`):

- `compiled` (the default): the package's bytecode is written first, as an install or a
  first run leaves it;
- `source`: the children import a copy of the package without bytecode and are told not
  to write any, so each one compiles it.
"""

from __future__ import annotations

import compileall
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import monitor

MODES = ("compiled", "source")


@contextmanager
def package_folder(mode: str) -> Iterator[str]:
    """The folder holding the `monitor` package the children import."""
    if mode not in MODES:
        raise ValueError(f"bytecode mode must be one of {MODES}, not {mode!r}")
    src = Path(monitor.__file__).resolve().parents[1]
    if mode == "compiled":
        compileall.compile_dir(src / "monitor", quiet=1)
        yield str(src)
        return
    with tempfile.TemporaryDirectory(prefix="monitor-source-") as folder:
        shutil.copytree(
            src / "monitor",
            Path(folder) / "monitor",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        yield folder


def child_env(folder: str, mode: str, **extra: str) -> dict[str, str]:
    """The environment of a child process importing the package in `folder`."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([folder, os.environ.get("PYTHONPATH", "")]),
        **extra,
    }
    if mode == "source":
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def describe(mode: str) -> str:
    """One line for the report."""
    told = "set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "not set"
    if mode == "compiled":
        return (
            "bytecode: the package compiled first, as an install leaves it "
            f"(PYTHONDONTWRITEBYTECODE is {told} here; "
            "--bytecode source compiles it in every process)"
        )
    return "bytecode: none; every process compiles the package (--bytecode source)"
