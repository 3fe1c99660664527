"""How a process uses a DuckDB file that other processes use as well.

DuckDB lets one process open a file to write, or any number to read, never both at
once. So the dashboard and a command-line import take turns:

- Reads go through a read-only connection. It stays open while queries follow each
  other and is closed when it has been idle for `LINGER_SECONDS`, or at once when a
  writer is waiting, so that the file is free between uses.
- A write opens a read-write connection for its one transaction and closes it after.
  While it waits for its turn and while it writes, it keeps a small "writer waiting"
  file beside the database fresh (`<file>.waiting`): readers of every process see it,
  let go of the file as soon as their queries end and start no new ones until the
  write is over, so a writer is not starved by a busy dashboard.
- Either waits at most `wait_seconds()` (MONITOR_DB_WAIT, 30 s by default) for the
  file, then gives up with `StoreBusyError`; a write that never started stored nothing.

Inside one process, threads share the connection of the moment: reads run side by
side, a write waits for the reads of its process to end and keeps new ones waiting.

An in-memory database (tests, a replica's copy) has one connection for its whole life
(`HeldConnection`), as has a file opened with `shared=False`.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from monitor.errors import DatabaseOpenError, NotADatabaseError, StoreBusyError, StoreError

log = logging.getLogger(__name__)
WAIT_ENV = "MONITOR_DB_WAIT"
DEFAULT_WAIT_SECONDS = 30.0
LINGER_SECONDS = 5.0  # an idle read-only connection is closed after this long
WAITING_SUFFIX = ".waiting"  # the "writer waiting" file beside the database
WAITING_TOUCH_SECONDS = 0.5  # a waiting writer refreshes it this often
WAITING_FRESH_SECONDS = 3.0  # older than this, it was left by a writer that died
POLL_SECONDS = 0.05  # how often a waiting reader or an idle connection looks again
FIRST_RETRY, LAST_RETRY = 0.02, 0.5  # back-off between attempts to open a locked file
RACY_SECONDS = 2.0  # a `files_stamp` younger than this is not trusted to show a change
_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")
# A write's connection is closed when its one transaction ends, and closing checkpoints
# (the file then holds the write). Checkpointing at the commit instead spares writing the
# changes into the write-ahead log first, only to copy them into the file at the close
# (100k response rows: 0.16 s logged then checkpointed, 0.11 s checkpointed at once).
WRITE_CONFIG = {"checkpoint_threshold": "0b"}


def wait_seconds() -> float:
    """How long a read or a write waits for the file: MONITOR_DB_WAIT, else 30 s."""
    raw = os.environ.get(WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_WAIT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise StoreError(
            f"{WAIT_ENV} is {raw!r}, but it must be a number of seconds (0 or more), such as 30."
        )
    return seconds


class Locked(Exception):
    """The file is in use by another connection that excludes this one."""

    def __init__(self, holder: str | None):
        super().__init__(holder or "another program")
        self.holder = holder


def connect(
    path: str, read_only: bool = False, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """A new connection to `path`; `Locked` when another one holds the file."""
    if path != ":memory:" and not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(path, read_only=read_only, config=config or {})
    except duckdb.IOException as exc:
        text = str(exc)
        if "Could not set lock" in text:
            raise Locked(_holder(text)) from exc
        if "not a valid DuckDB database" in text:
            raise NotADatabaseError(path) from exc
        raise DatabaseOpenError(path, _first_line(text)) from exc
    except duckdb.ConnectionException as exc:
        # This process has the file open in the other mode (a second Database object
        # on the same file); that one lets go like another process would.
        raise Locked(None) from exc
    except duckdb.Error as exc:
        raise NotADatabaseError(path, _first_line(str(exc))) from exc


def _holder(message: str) -> str | None:
    """Who holds the lock, as DuckDB names it: program and process id."""
    found = _HOLDER.search(message)
    if not found:
        return None
    program = Path(found.group(1)).name or "a program"
    return f"{program}, process {found.group(2)}"


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["unknown error"])[0]


class HeldConnection:
    """One read-write connection, held until `close`; writes of this process take turns."""

    shared = False

    def __init__(self, path: str):
        try:
            self._con = connect(path)
        except Locked as exc:
            raise StoreBusyError(path, 0, exc.holder, writing=False) from exc
        self._write_lock = threading.Lock()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._write_lock, self.reading() as cur:
            yield cur

    def close(self) -> None:
        self._con.close()


class SharedFile:
    """Connections to a DuckDB file opened for each use and let go of between uses
    (see the module's description)."""

    shared = True

    def __init__(self, path: str):
        self.path = path
        self.waiting_file = Path(path + WAITING_SUFFIX)
        self._cond = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._read_only = True
        self._opening = False  # a thread is opening the connection
        self._readers = 0  # reads running on the connection
        self._writer: int | None = None  # the thread writing
        self._writers_waiting = 0  # threads of this process waiting to write
        self._idle_since = 0.0
        self._mine = threading.local()  # reads this thread has open (they may nest)

    # --- reading ------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one read. Inside this thread's own write, a cursor of the write's
        connection (which does not see the write's changes before its commit)."""
        if self._writer == threading.get_ident():
            with self._cursor() as cur:
                yield cur
            return
        self._enter_read()
        self._mine.depth = getattr(self._mine, "depth", 0) + 1
        try:
            with self._cursor() as cur:
                yield cur
        finally:
            self._mine.depth -= 1
            self._leave_read()

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def _enter_read(self) -> None:
        deadline = time.monotonic() + wait_seconds()
        nested = getattr(self._mine, "depth", 0) > 0  # never wait on oneself
        with self._cond:
            while not nested:
                if self._con is not None and self._read_only and not self._yielding():
                    break
                if self._may_open_for_reading():
                    self._open(read_only=True, deadline=deadline)
                    continue
                self._wait(deadline, writing=False)
            self._readers += 1

    def _may_open_for_reading(self) -> bool:
        return (
            self._con is None
            and not self._opening
            and self._writer is None
            and not self._writers_waiting
        )

    def _leave_read(self) -> None:
        with self._cond:
            self._readers -= 1
            if self._readers == 0:
                self._idle_since = time.monotonic()
                if self._yielding():
                    self._close()
                self._cond.notify_all()

    def _yielding(self) -> bool:
        """Whether reads should let a writer have the file: one of this process, or of
        another that left its "writer waiting" file."""
        return bool(self._writers_waiting) or self._writer_elsewhere()

    def _writer_elsewhere(self) -> bool:
        try:
            touched = self.waiting_file.stat().st_mtime
        except OSError:
            return False
        return time.time() - touched < WAITING_FRESH_SECONDS

    # --- writing ------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of a read-write connection, opened for this write alone."""
        me = threading.get_ident()
        if self._writer == me or getattr(self._mine, "depth", 0):
            raise RuntimeError("A write cannot start inside a read or write of the same thread.")
        started = time.monotonic()
        deadline = started + wait_seconds()
        with self._announced():
            self._take_turn(me, deadline)
            waited = time.monotonic() - started
            log.debug("%s: a write waited %.3f s for its turn", self.path, waited)
            try:
                with self._cursor() as cur:
                    yield cur
            finally:
                with self._cond:
                    self._close_soon()  # makes the checkpoint: the file holds the write
                    self._writer = None
                    self._cond.notify_all()

    def _take_turn(self, me: int, deadline: float) -> None:
        """Wait for the reads and writes of this process to end, then for the file."""
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._readers or self._writer is not None or self._opening:
                    self._wait(deadline, writing=True)
                while not self._close():
                    self._wait(deadline, writing=True)
                self._writer = me
            finally:
                self._writers_waiting -= 1
            try:
                self._open(read_only=False, deadline=deadline)
            except BaseException:
                self._writer = None
                self._cond.notify_all()
                raise

    @contextmanager
    def _announced(self) -> Iterator[None]:
        """Keep the "writer waiting" file fresh until the write has ended (a folder where
        it cannot be written only makes the writer wait for readers to be idle)."""
        stop = threading.Event()

        def touch() -> None:
            while True:
                with suppress(OSError):
                    self.waiting_file.touch()
                if stop.wait(WAITING_TOUCH_SECONDS):
                    return

        toucher = threading.Thread(target=touch, name="monitor-writer-waiting", daemon=True)
        toucher.start()
        try:
            yield
        finally:
            stop.set()
            toucher.join()
            with suppress(OSError):
                self.waiting_file.unlink(missing_ok=True)

    # --- the connection ------------------------------------------------------------------

    def _open(self, read_only: bool, deadline: float) -> None:
        """Open the connection (the lock is held), trying again while the file is locked
        by another process and, for a read, while a writer elsewhere waits."""
        self._opening = True
        try:
            delay, holder = FIRST_RETRY, None
            while True:
                remaining = deadline - time.monotonic()
                if remaining > 0 and read_only and self._writer_elsewhere():
                    self._cond.wait(min(POLL_SECONDS, remaining))  # its turn first
                    continue
                try:
                    config = None if read_only else WRITE_CONFIG
                    self._con = connect(self.path, read_only=read_only, config=config)
                    break
                except Locked as exc:
                    holder = exc.holder
                if remaining <= 0:
                    raise StoreBusyError(self.path, wait_seconds(), holder, not read_only)
                self._cond.wait(min(delay, remaining))
                delay = min(delay * 2, LAST_RETRY)
            self._read_only = read_only
            if read_only:
                self._idle_since = time.monotonic()
                closer = threading.Thread(
                    target=self._linger, args=(self._con,), name="monitor-idle", daemon=True
                )
                closer.start()
        finally:
            self._opening = False
            self._cond.notify_all()

    def _linger(self, con: duckdb.DuckDBPyConnection) -> None:
        """Close the read-only connection `con` once idle for LINGER_SECONDS, or idle
        while a writer waits; return when it is no longer the connection in use. (`con`
        is handed over, not read when this thread starts: by then a writer may have put
        its own connection in its place, which this must never close.)"""
        with self._cond:
            while self._con is con and con is not None:
                idle = self._readers == 0 and not self._opening
                expired = time.monotonic() - self._idle_since >= LINGER_SECONDS
                if idle and (expired or self._yielding()) and self._close():
                    self._cond.notify_all()
                    return
                self._cond.wait(POLL_SECONDS)

    def _wait(self, deadline: float, writing: bool) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StoreBusyError(self.path, wait_seconds(), None, writing)
        self._cond.wait(min(POLL_SECONDS, remaining))

    def _close(self) -> bool:
        """Close the connection; False when DuckDB refuses because another thread is
        making or closing a cursor of it at this moment (the caller looks again)."""
        if self._con is None:
            return True
        try:
            self._con.close()
        except duckdb.ResourceInUseException:
            return False
        self._con = None
        return True

    def _close_soon(self) -> None:
        while not self._close():
            self._cond.wait(POLL_SECONDS)

    def close(self) -> None:
        """Close the connection now (the next use opens a new one)."""
        with self._cond:
            self._close_soon()
            self._cond.notify_all()

    def files_stamp(self) -> tuple | None:
        """Size and modification time of the file and its write-ahead log: they change
        with every write. None while too fresh to trust (a write within the clock's
        resolution of the last one would leave them as they are)."""
        stamp = []
        newest = 0.0
        for name in (self.path, self.path + ".wal"):
            try:
                info = os.stat(name)
            except OSError:
                stamp.append(None)
                continue
            stamp.append((info.st_ino, info.st_size, info.st_mtime_ns))
            newest = max(newest, info.st_mtime)
        return None if time.time() - newest < RACY_SECONDS else tuple(stamp)
