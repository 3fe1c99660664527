"""The container image: a lint of the Dockerfile's essentials (no Docker engine needed),
and a real build when Docker is available."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def values(name: str) -> list[str]:
    return [rest for word, rest in instructions() if word == name]


def test_known_instructions_only():
    known = {"FROM", "ENV", "RUN", "WORKDIR", "COPY", "USER", "VOLUME", "EXPOSE", "HEALTHCHECK"}
    assert {word for word, _ in instructions()} <= known | {"CMD"}
    assert instructions()[0][0] == "FROM"
    assert values("FROM")[0].startswith("python:3.11")


def test_runs_as_a_non_root_user():
    users = values("USER")
    assert users and users[-1] not in {"root", "0"}
    # USER comes before the command, after the installs.
    words = [word for word, _ in instructions()]
    assert words.index("USER") > max(i for i, w in enumerate(words) if w == "RUN")


def test_health_check_on_the_streamlit_health_endpoint():
    (check,) = values("HEALTHCHECK")
    assert "/_stcore/health" in check and "CMD" in check
    assert "--interval" in check


def test_database_on_a_volume():
    assert json.loads(values("VOLUME")[0]) == ["/data"]
    env = " ".join(values("ENV"))
    assert "MONITOR_DB=/data/monitor.duckdb" in env


def test_serves_the_dashboard_on_8501():
    assert values("EXPOSE") == ["8501"]
    command = json.loads(values("CMD")[0])
    assert command[:3] == ["streamlit", "run", "app.py"]
    assert "--server.address=0.0.0.0" in command


def test_installs_the_runtime_requirements():
    runs = " ".join(values("RUN"))
    assert "pip install -r requirements.txt" in runs
    for copy in values("COPY"):
        sources = shlex.split(copy)[1:-1] if copy.startswith("--") else shlex.split(copy)[:-1]
        for source in sources:
            assert source == "." or (ROOT / source).exists(), source


def test_secrets_and_local_data_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    for entry in (".git", ".venv", "data/", ".streamlit/secrets.toml", "*.duckdb"):
        assert entry in ignored


def test_streamlit_config():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["server"]["maxUploadSize"] >= 1
    assert config["theme"]["primaryColor"]


@pytest.mark.skipif(shutil.which("docker") is None, reason="Docker is not installed")
def test_the_image_builds():
    done = subprocess.run(
        ["docker", "build", "-q", "-t", "partnership-monitor:test", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if "Cannot connect to the Docker daemon" in done.stderr:
        pytest.skip("the Docker daemon is not running")
    assert done.returncode == 0, done.stderr


def test_compose_runs_replicas_on_postgresql_without_a_password_in_the_file():
    import yaml

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"db", "migrate", "app", "proxy"} <= services.keys()
    env = services["app"]["environment"]
    assert env["MONITOR_DB"] == "postgresql://monitor@db:5432/monitor"  # no password in it
    assert env["PGPASSWORD"].startswith("${MONITOR_DB_PASSWORD")
    assert services["migrate"]["command"] == ["python", "-m", "monitor", "migrate"]
    assert services["app"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["app"]["deploy"]["replicas"] >= 2
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "ip_hash;" in nginx  # a session's websocket and uploads reach one replica
    assert "proxy_set_header Upgrade $http_upgrade;" in nginx
