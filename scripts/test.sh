#!/usr/bin/env bash
# The one test command: set up .venv, make sure Chromium (browser tests) and the
# PostgreSQL server programs (store tests against PostgreSQL) are there, then run the
# linter and the whole test suite.
#
#   bash scripts/test.sh              # everything
#   bash scripts/test.sh -q tests/e2e # arguments go to pytest
#
# Safe to run again: the virtual environment is reused and packages are only
# reinstalled when requirements*.txt or pyproject.toml change.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.requirements.sha256"

say() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

# Run a command as root: directly when we are root, else through sudo without a
# password prompt. Returns 1 when neither is possible.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

can_be_root() {
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
        as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Python environment ---------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "Creating $VENV with $PYTHON"
    if ! "$PYTHON" -m venv "$VENV"; then
        # Debian and Ubuntu ship venv support separately.
        rm -rf "$VENV"
        if command -v apt-get >/dev/null 2>&1 && can_be_root; then
            say "Installing python3-venv"
            apt_install python3-venv
            "$PYTHON" -m venv "$VENV"
        else
            echo "ERROR: '$PYTHON -m venv' failed; install the venv module (e.g. python3-venv)." >&2
            exit 1
        fi
    fi
fi

wanted="$("$VENV/bin/python" -c 'import hashlib, sys
print(hashlib.sha256(b"".join(open(f, "rb").read() for f in sys.argv[1:])).hexdigest())' \
    requirements.txt requirements-dev.txt pyproject.toml)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$wanted" ]; then
    say "Installing requirements-dev.txt into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements-dev.txt
    echo "$wanted" >"$STAMP"
fi

# --- Chromium for the browser tests (tests/e2e) ------------------------------------------
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && can_be_root; then
        say "Installing Chromium with apt-get"
        apt_install chromium fonts-liberation ||
            warn "apt-get could not install chromium; the browser tests will be skipped."
    else
        warn "Chromium is not installed and this script cannot install it (needs root or" \
            "password-less sudo with apt-get). The browser tests in tests/e2e will be" \
            "skipped (they fail when CI is set). Install it with: apt-get install chromium"
    fi
fi

# --- PostgreSQL server programs for the tests against PostgreSQL ----------------------------
# The tests start their own throwaway server (tests/postgres_server.py); they need only the
# programs of Debian's postgresql package.
has_postgres() {
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1
}
if ! has_postgres; then
    if command -v apt-get >/dev/null 2>&1 && can_be_root; then
        say "Installing the PostgreSQL server with apt-get"
        apt_install postgresql ||
            warn "apt-get could not install postgresql; the tests against PostgreSQL will be" \
                "skipped (pytest says so)."
    else
        warn "PostgreSQL is not installed and this script cannot install it (needs root or" \
            "password-less sudo with apt-get). The tests against PostgreSQL will be skipped" \
            "(pytest says so). Install it with: apt-get install postgresql"
    fi
fi
if has_postgres; then
    # Installed: a server that does not start is a failure, not a reason to skip.
    export MONITOR_REQUIRE_POSTGRES=1
fi

# --- Lint and test -------------------------------------------------------------------------
status=0
say "ruff check ."
"$VENV/bin/python" -m ruff check . || status=$?

say "lint-imports (the layer rules in pyproject.toml)"
"$VENV/bin/lint-imports" --no-cache || status=$?

say "pytest $*"
"$VENV/bin/python" -m pytest "$@" || status=$?

exit "$status"
