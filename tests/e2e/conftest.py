"""Fixtures of the browser tests: the real dashboard server and a headless Chromium.

The server is started with `streamlit run app.py` on a free port, with its own
empty database in a temporary folder. Chromium is the system's own (installed by
scripts/test.sh or `apt-get install chromium`); Playwright never downloads one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SERVER_START_TIMEOUT = 60  # seconds
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = "Chromium not installed: run scripts/test.sh as root or apt-get install chromium"
VIEWPORT = {"width": 1400, "height": 900}


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(log: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"The dashboard server exited with code {process.returncode}:\n{_log_tail(log)}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(
        f"The dashboard server did not answer {url}/_stcore/health within "
        f"{SERVER_START_TIMEOUT} s:\n{_log_tail(log)}"
    )


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and everything it started (its own process group)."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def dashboard_server(
    folder: Path, db: str | None = None, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port with an empty database in `folder` (or
    the store `db`), and the environment variables `env` on top; its log is written to
    `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MONITOR_DB": db or str(folder / "monitor.duckdb"),
        "MONITOR_SAMPLE_ON_FIRST_RUN": "0",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        # The tests must see the code as it was when the server started.
        "--server.fileWatcherType",
        "none",
    ]
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_healthy(url, process, log)
            yield url
        finally:
            _stop(process)
            # Keep the server's log (tracebacks go there, not to the page) for later reading.
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            worker = os.environ.get("PYTEST_XDIST_WORKER", "")
            shutil.copyfile(log, ARTIFACTS / f"{folder.name}{worker}-server.log")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        if _on_ci():
            pytest.fail(f"{NO_CHROMIUM} (CI is set, so the browser tests may not be skipped)")
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def start_dashboard(chromium_path):
    """`dashboard_server`, for tests that start servers of their own."""
    return dashboard_server


@pytest.fixture(scope="session")
def app_url(chromium_path, tmp_path_factory) -> Iterator[str]:
    """Base URL of a dashboard server that starts with an empty database."""
    with dashboard_server(tmp_path_factory.mktemp("dashboard")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, request):
    """Open pages in fresh browser contexts (no shared cookies or session).

    When the test fails, every page it opened is saved to test-artifacts/failures/.
    """
    contexts = []

    def open_page():
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = ARTIFACTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                # Best effort: never hide the test's own failure.
                with contextlib.suppress(Exception):
                    page.screenshot(
                        path=folder / f"{request.node.name}-{i}-{j}.png", full_page=True
                    )
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def sample_app_url(browser, tmp_path_factory) -> Iterator[str]:
    """Base URL of a second server whose database holds the sample data (all four waves).

    The data are loaded the way a new user would: with the empty state's button.
    """
    with dashboard_server(tmp_path_factory.mktemp("dashboard-sample")) as url:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            page = context.new_page()
            page.goto(f"{url}/")
            button = page.get_by_role("button", name="Load the sample data")
            button.wait_for(timeout=60_000)
            button.click()
            page.get_by_text("Respondents").first.wait_for(timeout=120_000)
        finally:
            context.close()
        yield url
