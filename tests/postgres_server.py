"""A throwaway PostgreSQL server for the tests (and the replica benchmark).

It uses the server programs of Debian's `postgresql` package (scripts/test.sh installs
it where it can): a new cluster in a temporary folder, listening on a free port of
127.0.0.1 only, with a password, and without durability (fsync off) for speed. It is
stopped and deleted at the end.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER, PASSWORD = "monitor", "s3cret-for-tests"
BINDIR_ENV = "MONITOR_TEST_PG_BINDIR"  # where initdb and pg_ctl are, to override the search


class Unavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def find_bindir() -> Path:
    """The folder of initdb and pg_ctl: $MONITOR_TEST_PG_BINDIR, Debian's newest
    /usr/lib/postgresql/*/bin, or initdb on the PATH."""
    given = os.environ.get(BINDIR_ENV)
    candidates = (
        [given]
        if given
        else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))[
            ::-1
        ]
    )
    on_path = shutil.which("initdb")
    if on_path and not given:
        candidates.append(str(Path(on_path).resolve().parent))
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    raise Unavailable(
        "PostgreSQL server programs (initdb, pg_ctl) are not installed: install Debian's "
        "'postgresql' package (scripts/test.sh does so when it may use apt-get)"
        + (f"; {BINDIR_ENV}={given} has none" if given else "")
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """Start with `start()`, make databases with `new_database()`, end with `stop()`."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="monitor-pg-"))
        self._names = itertools.count(1)
        self._admin = None

    def _run(self, *args: str) -> None:
        """Run a server program; as root, as the 'postgres' user (initdb refuses root)."""
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise Unavailable(f"{args[0]} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root needs the 'postgres' system user") from None
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        data = self.folder / "data"
        self._run(
            "initdb", "-D", str(data), "-U", USER, f"--pwfile={password_file}",
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        log = self.folder / "server.log"
        self._run("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def admin(self):
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.url(), autocommit=True)
        return self._admin

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        self.admin().execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
