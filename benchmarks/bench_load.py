"""Benchmark: the dashboard server under concurrent sessions, without a browser.

Run `python benchmarks/bench_load.py [--sessions 20] [--rounds 1] [--think 5.0]
[--out benchmarks/out]`.

It starts a real `streamlit run app.py` on a free loopback port, on a temporary DuckDB
store loaded with the sample data (`python -m monitor demo`), and talks to it the way the
browser does: over the websocket `/_stcore/stream` with the protobuf messages shipped in the
`streamlit` package (BackMsg `rerun_script` with the page, query string and widget states;
the run is over when the server sends `script_finished`). A page view is timed from the
request to the end of the run ("page-ready"); the browser's drawing is not included.

1. Solo: one session opens each page, changes its filter (a wave not seen yet) and reruns
   it unchanged, alone on the server; the server's CPU time of each step is read from
   /proc/<pid>/stat, so it is the cost of that one view.
2. Load: `--sessions` sessions at once, each opening the pages of the menu in turn (by
   their URL path names, starting at a different page each), with a pause of about
   `--think` seconds between actions; on each page it changes the widgets named in
   CHANGE_KEYS that the page has (wave, weighting, ...). Two of the sessions also upload a
   sample-like survey file on the Upload page: the file goes to the upload endpoint as
   the file picker sends it, the page checks it, and the confirm button imports it.
   Afterwards `python -m monitor uploads` on the store must list both files.

Reported: page-ready p50/p95/max per page and action, errors (a Python exception or an
error message on the page, a run that did not finish, a lost upload), and the server's CPU
seconds per page view. The client runs on the same machine: its own CPU time is printed
too. Results go to `<out>/load_<sessions>.json`; the exit status is 1 when the target
(no errors, nothing lost, page-ready p95 under 2 s) is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import requests
import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLs
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# Pages browsed, by URL path name; the home page (overview) is at the root address.
DEFAULT_PAGES = (
    "overview",
    "trends",
    "partners",
    "quality",
    "comments",
    "activity",
    "outcomes",
    "compare",
    "data",
)
HOME = "overview"
UPLOAD_PAGE = "upload"
# Widgets a session changes on a page that has them, by their key, in this order.
CHANGE_KEYS = ("wave", "weighting", "health_factor", "comments_by")
# Keys of the Upload page's widgets (`upload_files_<round>` is the file picker).
UPLOAD_FILES_PREFIX, UPLOAD_PARTNERSHIP, UPLOAD_WHO, CONFIRM_IMPORT = (
    "upload_files_",
    "upload_partnership",
    "upload_who",
    "confirm_import",
)
UPLOADED_BY = "load test"
UPLOADERS = 2  # sessions that also upload a file
SURVEY_SOURCE = ROOT / "sample_data" / "riverside_2025-Q2.csv"
UPLOAD_PARTNERSHIP_NAME = "Riverside Community Safety Partnership"
UPLOAD_WAVES = ("2026-Q1", "2026-Q2")

TARGET_P95_S = 2.0
RUN_TIMEOUT_S = 120.0  # one page view; a longer one counts as an error and ends the session
SERVER_START_TIMEOUT_S = 120.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(db: Path) -> dict[str, str]:
    """The environment of the server: this checkout's library, the store, no logins."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["MONITOR_DB"] = str(db)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def load_sample(db: Path) -> None:
    subprocess.run(
        [PYTHON, "-m", "monitor", "demo", "--db", str(db)],
        env=server_env(db),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def list_uploads(db: Path) -> str:
    """What `python -m monitor uploads` prints for the store."""
    done = subprocess.run(
        [PYTHON, "-m", "monitor", "uploads", "--db", str(db)],
        env=server_env(db),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    command = [
        PYTHON,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--browser.gatherUsageStats=false",
    ]
    with log.open("wb") as sink:
        return subprocess.Popen(
            command, cwd=ROOT, env=server_env(db), stdout=sink, stderr=subprocess.STDOUT
        )


def wait_until_healthy(process: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit status {process.returncode})")
        try:
            if requests.get(f"{base}/_stcore/health", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer within {SERVER_START_TIMEOUT_S:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- one browser tab, over the websocket -------------------------------------------------


class ViewError(Exception):
    """A page view that failed: the page showed an error, or the run did not finish."""


@dataclass
class Widget:
    kind: str  # the element type: selectbox, radio, button_group, button, ...
    id: str
    options: list[str]
    param: str  # the query parameter the widget is bound to ("" when none)
    value: str | None = None  # the option shown as chosen


@dataclass
class Run:
    """What one script run sent: its widgets and its problems."""

    widgets: dict[str, Widget] = field(default_factory=dict)  # by user key
    errors: list[str] = field(default_factory=list)
    successes: list[str] = field(default_factory=list)


def _user_key(element_id: str) -> str:
    """The user key at the end of a keyed element's id (`$$ID-<hash>-<key>`)."""
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and element_id.startswith("$$ID") else element_id


class Tab:
    """A browser tab's side of the protocol, enough to open pages and use widgets."""

    def __init__(self, base: str):
        self.base = base
        self.ws = None
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.current = ""  # the page script hash of the page shown
        self.query: dict[str, str | list[str]] = {}
        self.run = Run()
        self.finished: asyncio.Queue[int] = asyncio.Queue()
        self.file_urls: dict[str, asyncio.Future] = {}
        self.xsrf = ""
        self._reader: asyncio.Task | None = None

    async def connect(self) -> None:
        response = await asyncio.to_thread(requests.get, f"{self.base}/_stcore/health", timeout=10)
        self.xsrf = response.cookies.get("_streamlit_xsrf", "")
        url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=None)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        try:
            async for payload in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                self._handle(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.finished.put_nowait(-1)  # wakes a waiting view: the connection is gone

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # sent at the start of every run
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.run = Run()
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.current = msg.navigation.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "page_info_changed":
            self.query = dict(parse_qsl(msg.page_info_changed.query_string))
        elif kind == "page_not_found":
            self.run.errors.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self.run.errors.append("the script did not compile")
        elif kind == "file_urls_response":
            waiting = self.file_urls.pop(msg.file_urls_response.response_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(msg.file_urls_response)
        elif kind == "script_finished":
            self.finished.put_nowait(msg.script_finished)

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.run.errors.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self.run.errors.append(element.alert.body)
        elif kind == "alert" and element.alert.format == Alert.SUCCESS:
            self.run.successes.append(element.alert.body)
        elif kind in ("selectbox", "radio", "button_group"):
            proto = getattr(element, kind)
            if kind == "button_group":
                options = [o.content for o in proto.options]
                chosen = list(proto.raw_values) if proto.set_value else list(proto.default)
            else:
                options = list(proto.options)
                chosen = [proto.raw_value] if proto.set_value else [proto.default]
            value = chosen[0] if chosen else None
            if isinstance(value, int):
                value = options[value] if 0 <= value < len(options) else None
            widget = Widget(kind, proto.id, options, proto.query_param_key, value)
            self.run.widgets[_user_key(proto.id)] = widget
        elif kind in ("button", "file_uploader"):
            proto = getattr(element, kind)
            self.run.widgets[_user_key(proto.id)] = Widget(kind, proto.id, [], "")
        elif kind == "text_input":
            proto = element.text_input
            self.run.widgets[_user_key(proto.id)] = Widget(kind, proto.id, [], "")

    async def rerun(
        self,
        *,
        page: str | None = None,
        states: list[WidgetState] = (),
        first: bool = False,
    ) -> Run:
        """One script run: open `page` (its URL path name) or rerun the current page with
        `states`; returns when the run has finished."""
        back = BackMsg()
        state = back.rerun_script
        state.query_string = urlencode(self.query, doseq=True)
        state.widget_states.widgets.extend(states)
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        state.context_info.url = self.base + "/" + (page or "")
        if page is not None and first:
            state.page_name = page  # a link opened in a new tab: the server finds the page
        elif page is not None:
            if page not in self.pages:
                raise ViewError(f"no page at /{page} (the menu has: {sorted(self.pages)})")
            state.page_script_hash = self.pages[page]  # a click in the menu
        else:
            state.page_script_hash = self.current  # a rerun of the page shown
        while not self.finished.empty():  # left over from an earlier run
            self.finished.get_nowait()
        await self.ws.send(back.SerializeToString())
        return await self._wait()

    async def _wait(self) -> Run:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:
            left = deadline - time.monotonic()
            try:
                status = await asyncio.wait_for(self.finished.get(), max(left, 0.001))
            except TimeoutError:
                raise ViewError(f"the run did not finish within {RUN_TIMEOUT_S:.0f} s") from None
            if status == -1:
                raise ViewError("the server closed the connection")
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise ViewError("the script did not compile")
            if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                run = self.run
                if run.errors:
                    raise ViewError("; ".join(run.errors))
                return run
            # FINISHED_EARLY_FOR_RERUN: the script called st.rerun(); the next run follows.

    async def upload(self, name: str, data: bytes) -> FileURLs:
        """Send a file as the file picker does: ask for its address, then PUT it there."""
        back = BackMsg()
        request_id = f"{name}-{time.monotonic_ns()}"
        back.file_urls_request.request_id = request_id
        back.file_urls_request.file_names.append(name)
        back.file_urls_request.session_id = self.session_id
        waiting = asyncio.get_running_loop().create_future()
        self.file_urls[request_id] = waiting
        await self.ws.send(back.SerializeToString())
        response = await asyncio.wait_for(waiting, RUN_TIMEOUT_S)
        if response.error_msg or not response.file_urls:
            raise ViewError(f"no upload address: {response.error_msg}")
        urls = response.file_urls[0]
        answer = await asyncio.to_thread(
            requests.put,
            self.base + urls.upload_url,
            files={"file": (name, data, "text/csv")},
            headers={"X-Xsrftoken": self.xsrf},
            cookies={"_streamlit_xsrf": self.xsrf},
            timeout=RUN_TIMEOUT_S,
        )
        if answer.status_code != 204:
            raise ViewError(f"upload refused: HTTP {answer.status_code} {answer.text[:200]}")
        return urls


def choice_state(widget: Widget, value: str) -> WidgetState:
    state = WidgetState(id=widget.id)
    if widget.kind == "button_group":
        state.string_array_value.data.append(value)
    else:
        state.string_value = value
    return state


def file_state(widget: Widget, name: str, size: int, urls: FileURLs) -> WidgetState:
    state = WidgetState(id=widget.id)
    info = state.file_uploader_state_value.uploaded_file_info.add()
    info.name, info.size, info.file_id = name, size, urls.file_id
    info.file_urls.CopyFrom(urls)
    return state


# --- what sessions do -------------------------------------------------------------------


@dataclass
class Record:
    page: str
    action: str  # open, a widget key, upload_check, upload_commit
    seconds: float
    error: str = ""
    cpu: float | None = None  # server CPU seconds (solo phase only)
    ended: float = field(default_factory=time.perf_counter)  # when the view was over


@dataclass
class Upload:
    name: str
    data: bytes
    rows: int


def survey_uploads(source: Path = SURVEY_SOURCE) -> list[Upload]:
    """Sample-like survey files of waves not stored yet, one per uploading session."""
    with source.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    wave_column = header.index("wave")
    files = []
    for wave in UPLOAD_WAVES:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in body:
            writer.writerow([wave if i == wave_column else v for i, v in enumerate(row)])
        files.append(Upload(f"loadtest_{wave}.csv", out.getvalue().encode(), len(body)))
    return files


class Browsing:
    """One user: opens pages in turn, changes their filters, and maybe uploads a file."""

    def __init__(self, base: str, index: int, pages: list[str], rng: random.Random, think: float):
        self.tab = Tab(base)
        self.index = index
        self.pages = pages
        self.rng = rng
        self.think = think
        self.records: list[Record] = []
        self.checked_states: list[WidgetState] = []

    async def pause(self) -> None:
        if self.think > 0:
            await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))

    async def timed(self, page: str, action: str, step) -> Run | None:
        started = time.perf_counter()
        try:
            run = await step()
        except (ViewError, OSError, websockets.WebSocketException) as exc:
            self.records.append(Record(page, action, time.perf_counter() - started, str(exc)))
            return None
        self.records.append(Record(page, action, time.perf_counter() - started))
        return run

    async def open(self, page: str, first: bool) -> Run | None:
        path = "" if page == HOME else page
        return await self.timed(page, "open", lambda: self.tab.rerun(page=path, first=first))

    async def change(self, page: str, run: Run) -> bool:
        """Change each widget of CHANGE_KEYS the page has to another option."""
        for key in CHANGE_KEYS:
            widget = run.widgets.get(key)
            if widget is None or len(widget.options) < 2:
                continue
            await self.pause()
            current = self.tab.query.get(widget.param, widget.value)
            value = self.rng.choice([o for o in widget.options if o != current])
            if widget.param:
                self.tab.query[widget.param] = value
            state = choice_state(widget, value)
            run = await self.timed(page, key, lambda s=state: self.tab.rerun(states=[s]))
            if run is None:
                return False
        return True

    async def upload(self, upload: Upload) -> bool:
        """The Upload page: pick the file (it is checked), then confirm the import."""
        run = await self.open(UPLOAD_PAGE, first=False)
        if run is None:
            return False
        picker = next(
            (w for k, w in run.widgets.items() if k.startswith(UPLOAD_FILES_PREFIX)), None
        )
        partnership = run.widgets.get(UPLOAD_PARTNERSHIP)
        if picker is None or partnership is None:
            self.records.append(Record(UPLOAD_PAGE, "upload_check", 0.0, "no file picker"))
            return False
        await self.pause()

        texts = [WidgetState(id=partnership.id, string_value=UPLOAD_PARTNERSHIP_NAME)]
        if UPLOAD_WHO in run.widgets:
            texts.append(WidgetState(id=run.widgets[UPLOAD_WHO].id, string_value=UPLOADED_BY))

        async def check() -> Run:
            urls = await self.tab.upload(upload.name, upload.data)
            self.checked_states = [file_state(picker, upload.name, len(upload.data), urls), *texts]
            checked = await self.tab.rerun(states=self.checked_states)
            if CONFIRM_IMPORT not in checked.widgets:
                raise ViewError(f"{upload.name} was not accepted for import")
            return checked

        checked = await self.timed(UPLOAD_PAGE, "upload_check", check)
        if checked is None:
            return False
        await self.pause()
        confirm = WidgetState(id=checked.widgets[CONFIRM_IMPORT].id, trigger_value=True)

        async def commit() -> Run:
            done = await self.tab.rerun(states=[*self.checked_states, confirm])
            shown = [text.replace("\\", "") for text in done.successes]  # Markdown escapes
            if not any(upload.name in text for text in shown):
                raise ViewError(f"no confirmation of the import of {upload.name}")
            return done

        return await self.timed(UPLOAD_PAGE, "upload_commit", commit) is not None

    async def browse(self, rounds: int, upload: Upload | None) -> None:
        start = self.index % len(self.pages)
        order = self.pages[start:] + self.pages[:start]
        upload_at = len(order) // 2 if upload is not None else -1
        await self.tab.connect()
        try:
            for round_number in range(rounds):
                for position, page in enumerate(order):
                    first = round_number == 0 and position == 0
                    run = await self.open(page, first)
                    if run is None or not await self.change(page, run):
                        return  # a failed view ends this session (it is counted)
                    await self.pause()
                    if round_number == 0 and position == upload_at:
                        if not await self.upload(upload):
                            return
                        await self.pause()
        finally:
            await self.tab.close()


# --- the two phases --------------------------------------------------------------------


async def solo(base: str, pid: int, pages: list[str], reruns: int = 1) -> list[Record]:
    """Each page alone on the server: open it, change its first widget of CHANGE_KEYS to
    its first other option (for the wave: the first wave, not shown yet), then rerun it
    unchanged `reruns` times (the median is kept); with the server's CPU time of each step."""
    tab = Tab(base)
    records: list[Record] = []
    await tab.connect()
    try:
        for position, page in enumerate(pages):
            path = "" if page == HOME else page
            record, run = await _solo_step(
                pid, page, "open", tab.rerun(page=path, first=position == 0)
            )
            records.append(record)
            widgets = run.widgets if run is not None else {}
            key = next(
                (k for k in CHANGE_KEYS if len(getattr(widgets.get(k), "options", [])) > 1), None
            )
            if key is not None:
                widget = widgets[key]
                value = next(o for o in widget.options if o != widget.value)
                if widget.param:
                    tab.query[widget.param] = value
                state = choice_state(widget, value)
                records.append((await _solo_step(pid, page, key, tab.rerun(states=[state])))[0])
            again = [(await _solo_step(pid, page, "rerun", tab.rerun()))[0] for _ in range(reruns)]
            records.append(
                Record(
                    page,
                    "rerun",
                    statistics.median(r.seconds for r in again),
                    "; ".join(r.error for r in again if r.error),
                    statistics.median(r.cpu for r in again),
                )
            )
    finally:
        await tab.close()
    return records


async def _solo_step(pid: int, page: str, action: str, step) -> tuple[Record, Run | None]:
    before, started = cpu_seconds(pid), time.perf_counter()
    error, run = "", None
    try:
        run = await step
    except ViewError as exc:
        error = str(exc)
    seconds = time.perf_counter() - started
    await asyncio.sleep(0.05)  # let the server finish sending before reading its CPU time
    return Record(page, action, seconds, error, cpu_seconds(pid) - before), run


async def load(
    base: str, sessions: int, pages: list[str], rounds: int, think: float, ramp: float, seed: int
) -> list[Record]:
    uploads = survey_uploads()
    users = [Browsing(base, i, pages, random.Random(seed + i), think) for i in range(sessions)]

    async def start(user: Browsing) -> None:
        await asyncio.sleep(ramp * user.index / max(sessions, 1))
        upload = uploads[user.index] if user.index < min(UPLOADERS, len(uploads)) else None
        await user.browse(rounds, upload)

    await asyncio.gather(*(start(user) for user in users))
    return [record for user in users for record in user.records]


# --- report ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(q) - 1]


def latency_table(records: list[Record]) -> list[dict]:
    groups: dict[tuple[str, str], list[Record]] = {}
    for record in records:
        groups.setdefault((record.page, record.action), []).append(record)
    rows = []
    for (page, action), group in groups.items():
        ok = [r.seconds for r in group if not r.error]
        rows.append(
            {
                "page": page,
                "action": action,
                "views": len(group),
                "errors": sum(1 for r in group if r.error),
                "p50_ms": round(percentile(ok, 50) * 1000) if ok else None,
                "p95_ms": round(percentile(ok, 95) * 1000) if ok else None,
                "max_ms": round(max(ok) * 1000) if ok else None,
            }
        )
    return rows


def timeline(records: list[Record], started: float, step: float = 10.0) -> list[dict]:
    """Page-ready times by when the views ended, in `step`-second slices, with the
    uploads imported in each slice (an import makes every cached result stale)."""
    slices: dict[int, list[Record]] = {}
    for record in records:
        slices.setdefault(int((record.ended - started) // step), []).append(record)
    rows = []
    for number, group in sorted(slices.items()):
        ok = [r.seconds for r in group if not r.error] or [0.0]
        rows.append(
            {
                "from_s": round(number * step),
                "views": len(group),
                "p50_ms": round(percentile(ok, 50) * 1000),
                "p95_ms": round(percentile(ok, 95) * 1000),
                "imports": sum(r.action == "upload_commit" for r in group),
            }
        )
    return rows


def print_table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns))


def check_uploads(listing: str, before: str) -> list[str]:
    """Problems with the stored uploads: each loadtest file once, nothing else lost."""
    problems = []
    for upload in survey_uploads():
        lines = [line.split() for line in listing.splitlines() if upload.name in line.split()]
        if len(lines) != 1:
            problems.append(f"{upload.name} is listed {len(lines)} time(s) by `uploads`, not once")
        elif str(upload.rows) not in lines[0]:
            problems.append(f"{upload.name} is not listed with its {upload.rows} respondents")
    lines_before = len(before.strip().splitlines())
    lines_after = len(listing.strip().splitlines())
    if lines_after != lines_before + len(UPLOAD_WAVES):
        expected = lines_before - 1 + len(UPLOAD_WAVES)
        problems.append(f"`uploads` lists {lines_after - 1} uploads, expected {expected}")
    return problems


def report_solo(records: list[Record], reruns: int) -> list[dict]:
    rows = [
        {
            "page": r.page,
            "action": r.action,
            "ms": round(r.seconds * 1000),
            "cpu_s": f"{r.cpu:.3f}",
            "error": r.error[:60],
        }
        for r in records
    ]
    print(f"\nSolo: one session, the server's CPU seconds per view (rerun: median of {reruns})")
    print_table(rows, ["page", "action", "ms", "cpu_s", "error"])
    return rows


def report_load(args: argparse.Namespace, measured: dict, problems: list[str]) -> dict:
    records, wall = measured["records"], measured["wall_s"]
    server_cpu, views = measured["server_cpu_s"], len(records)
    errors = [r for r in records if r.error]
    ok = [r.seconds for r in records if not r.error] or [float("inf")]
    p50, p95 = percentile(ok, 50), percentile(ok, 95)
    table = latency_table(records)
    print(
        f"\nLoad: {args.sessions} sessions, {args.rounds} round(s), think {args.think} s, "
        f"{views} page views in {wall:.1f} s"
    )
    print_table(table, ["page", "action", "views", "errors", "p50_ms", "p95_ms", "max_ms"])
    slices = timeline(records, measured["started"])
    print("\nBy time (when views ended):")
    print_table(slices, ["from_s", "views", "p50_ms", "p95_ms", "imports"])
    print(
        f"\nall views: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {max(ok) * 1000:.0f} ms; errors {len(errors)} (target: 0 errors, p95 < "
        f"{TARGET_P95_S:.0f} s)"
    )
    print(
        f"server CPU {server_cpu:.1f} s = {server_cpu / max(views, 1):.3f} CPU-s per page view "
        f"({server_cpu / wall:.2f} cores); client CPU {measured['client_cpu_s']:.1f} s; "
        f"server peak RSS {measured['peak_rss_mb']} MB; load average {os.getloadavg()[0]:.1f}"
    )
    for record in errors[:10]:
        print(f"  error: {record.page} {record.action}: {record.error[:200]}")
    print("uploads: " + ("; ".join(problems) if problems else "both stored, nothing lost"))
    return {
        "wall_s": wall,
        "views": views,
        "errors": [f"{r.page} {r.action}: {r.error}" for r in errors],
        "p50_ms": p50 * 1000,
        "p95_ms": p95 * 1000,
        "server_cpu_s": server_cpu,
        "server_cpu_per_view_s": server_cpu / max(views, 1),
        "client_cpu_s": measured["client_cpu_s"],
        "peak_rss_mb": measured["peak_rss_mb"],
        "table": table,
        "timeline": slices,
        "upload_problems": problems,
        "missed": bool(errors or problems or p95 >= TARGET_P95_S),
    }


def measure(args: argparse.Namespace, pages: list[str], base: str, pid: int) -> dict:
    """The phases, on a running server."""
    measured: dict = {}
    first = asyncio.run(solo(base, pid, [HOME]))[0]  # the server's first run: imports
    measured["first_run"] = {"seconds": first.seconds, "cpu_s": first.cpu, "error": first.error}
    print(f"server's first run: {first.seconds:.2f} s, {first.cpu:.2f} CPU-s {first.error}")
    if not args.no_solo:
        records = asyncio.run(solo(base, pid, pages, args.solo_reruns))
        measured["solo"] = report_solo(records, args.solo_reruns)
    if args.solo_only:
        return measured
    cpu_before, started, client_before = cpu_seconds(pid), time.perf_counter(), time.process_time()
    measured["started"] = started
    measured["records"] = asyncio.run(
        load(base, args.sessions, pages, args.rounds, args.think, args.ramp, args.seed)
    )
    measured["wall_s"] = time.perf_counter() - started
    measured["server_cpu_s"] = cpu_seconds(pid) - cpu_before
    measured["client_cpu_s"] = time.process_time() - client_before
    measured["peak_rss_mb"] = round(peak_rss_mb(pid))
    return measured


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the pages per session")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between actions, s")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds to start all sessions")
    parser.add_argument("--pages", default=",".join(DEFAULT_PAGES), help="URL path names")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-solo", action="store_true", help="skip the one-session phase")
    parser.add_argument("--solo-only", action="store_true", help="skip the load phase")
    parser.add_argument("--solo-reruns", type=int, default=5, help="reruns per page, solo")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store and log")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 200 or not 1 <= args.rounds <= 20:
        parser.error("--sessions must be 1-200 and --rounds 1-20")
    if not 1 <= args.solo_reruns <= 100:
        parser.error("--solo-reruns must be 1-100")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    workdir = Path(tempfile.mkdtemp(prefix="bench_load_"))
    db, log = workdir / "monitor.duckdb", workdir / "server.log"
    started = time.perf_counter()
    load_sample(db)
    before = list_uploads(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port, log)
    try:
        wait_until_healthy(server, base)
        measured = measure(args, pages, base, server.pid)
    finally:
        stop_server(server)
    results = {
        "sessions": args.sessions,
        "rounds": args.rounds,
        "think_s": args.think,
        "first_run": measured["first_run"],
        "solo": measured.get("solo"),
    }
    if "records" in measured:
        listing = list_uploads(db)
        results["load"] = report_load(args, measured, check_uploads(listing, before))
        results["uploads_listing"] = listing
    results["environment"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "total_s": time.perf_counter() - started,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"load_{args.sessions}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"results: {out}")
    if args.keep:
        print(f"store and server log kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if results.get("load", {}).get("missed") else 0


if __name__ == "__main__":
    sys.exit(main())
