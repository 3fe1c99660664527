"""Logins: named accounts checked against one hash, and throttling after failures."""

from __future__ import annotations

import logging

import pytest

from monitor import access
from monitor.access import ADMIN, EVALUATOR, VIEWER, passwords, throttle
from monitor.access.throttle import PER_ADDRESS, PER_SESSION, LoginThrottle, TooManyLogins

HASHES = {name: access.hash_password(f"{name}-pw") for name in ("admin", "evaluator", "sam")}


@pytest.fixture(scope="module")
def config() -> access.AccessConfig:
    """Shared role passwords (the simple mode) beside one named account."""
    return access.load_access_config(
        {
            "access": {
                "admin_password_hash": HASHES["admin"],
                "evaluator_password_hash": HASHES["evaluator"],
                "accounts": [{"name": "Sam", "role": EVALUATOR, "password_hash": HASHES["sam"]}],
            }
        },
        environ={},
    )


@pytest.fixture
def hashes_checked(monkeypatch) -> list[str]:
    """The stored hashes a login checked the password against."""
    checked: list[str] = []
    real = passwords.check_password

    def spy(password: str, stored: str) -> bool:
        checked.append(stored)
        return real(password, stored)

    monkeypatch.setattr("monitor.access.config.check_password", spy)
    return checked


@pytest.mark.parametrize(
    ("name", "password", "expected"),
    [
        ("sam", "sam-pw", ("Sam", EVALUATOR, True)),
        ("Sam", "admin-pw", None),  # another account's password
        ("admin", "admin-pw", ("admin", ADMIN, False)),
        ("evaluator", "admin-pw", None),
        ("nobody", "sam-pw", None),
        ("", "", None),
    ],
)
def test_a_password_is_checked_against_one_hash(config, hashes_checked, name, password, expected):
    actor = config.login(name, password)
    got = (actor.name, actor.role, actor.verified) if actor else None
    assert got == expected
    assert len(hashes_checked) == 1
    account = config.account(name)
    assert hashes_checked[0] == (account.password_hash if account else passwords.decoy_hash())


def test_the_audit_records_the_account_name(config, db):
    sam = config.login("sam", "sam-pw")
    assert sam.signature("typed name") == "Sam"  # the account's name, not what was typed
    shared = config.login("evaluator", "evaluator-pw")
    assert shared.signature("Kim") == "Kim (evaluator)"


def test_the_command_line_is_its_operating_system_user(monkeypatch):
    monkeypatch.setattr(access.roles.getpass, "getuser", lambda: "kim")
    actor = access.cli_actor()
    assert (actor.name, actor.role, actor.signature("typed")) == ("cli:kim", ADMIN, "cli:kim")

    def no_user() -> str:
        raise OSError("no user")

    monkeypatch.setattr(access.roles.getpass, "getuser", no_user)
    assert access.cli_actor().name == "cli:unknown"


# --- throttling ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("policy", "failures", "wait"),
    [
        (PER_SESSION, 0, 0),
        (PER_SESSION, 2, 0),
        (PER_SESSION, 3, 2),
        (PER_SESSION, 4, 4),
        (PER_SESSION, 6, 16),
        (PER_SESSION, 9, 60),
        (PER_SESSION, 500, 60),
        (PER_ADDRESS, 9, 0),
        (PER_ADDRESS, 10, 5),
        (PER_ADDRESS, 11, 10),
        (PER_ADDRESS, 30, 15 * 60),
    ],
)
def test_waits_grow_and_stop_at_the_cap(policy, failures, wait):
    assert policy.wait(failures) == wait


def test_a_session_waits_after_three_failures_and_nothing_is_checked_meanwhile(
    config, hashes_checked, caplog
):
    clock = Clock()
    guard = LoginThrottle(clock=clock)
    caplog.set_level(logging.WARNING, logger="monitor.access")
    for _ in range(3):
        assert guard.login(config, "sam", "wrong-pw", "s1", "10.0.0.1") is None
    assert len(hashes_checked) == 3
    with pytest.raises(TooManyLogins, match="Wait 2 seconds"):
        guard.login(config, "sam", "sam-pw", "s1", "10.0.0.1")
    assert len(hashes_checked) == 3  # refused without checking the password
    clock.now += 2
    assert guard.login(config, "sam", "wrong-again", "s1", "10.0.0.1") is None
    assert guard.retry_after("s1", "10.0.0.1") == 4  # doubled
    clock.now += 4
    assert guard.login(config, "sam", "sam-pw", "s1", "10.0.0.1").name == "Sam"
    assert guard.retry_after("s1", "10.0.0.1") == 0  # the session's failures forgotten

    messages = [r.getMessage() for r in caplog.records]
    assert sum("Failed login as 'sam' from 10.0.0.1" in m for m in messages) == 4
    assert any("refused" in m for m in messages)
    assert not any("pw" in m for m in messages)  # never the password


def test_an_address_is_locked_out_whatever_the_session(config):
    clock = Clock()
    guard = LoginThrottle(clock=clock)
    for attempt in range(10):  # a new session each time, as a script would do
        guard.failed(f"s{attempt}", "203.0.113.9", "admin")
    assert guard.retry_after("fresh", "203.0.113.9") == 5
    assert guard.retry_after("fresh", "198.51.100.1") == 0  # another address
    for attempt in range(10, 30):
        clock.now += guard.retry_after(f"s{attempt}", "203.0.113.9")
        guard.failed(f"s{attempt}", "203.0.113.9", "admin")
    assert guard.retry_after("fresh", "203.0.113.9") == 15 * 60
    clock.now += 15 * 60 + PER_ADDRESS.forget_after
    assert guard.retry_after("fresh", "203.0.113.9") == 0


def test_failures_are_forgotten_after_a_quiet_while():
    clock = Clock()
    guard = LoginThrottle(clock=clock)
    for _ in range(5):
        guard.failed("s", None, "x")
    assert guard.retry_after("s", None) == 8
    clock.now += PER_SESSION.forget_after + 1
    assert guard.retry_after("s", None) == 0
    guard.failed("s", None, "x")
    assert guard.retry_after("s", None) == 0  # counting starts again


def test_the_throttle_remembers_a_bounded_number_of_keys(monkeypatch):
    monkeypatch.setattr(throttle, "MAX_KEYS", 5)
    clock = Clock()
    guard = LoginThrottle(clock=clock)
    for n in range(8):
        clock.now += 1
        guard.failed(f"s{n}", None, "x")
    assert len(guard._failures) == 5
    assert ("session", "s0") not in guard._failures


def test_viewer_role_name_is_a_shared_password():
    viewer_hash = access.hash_password("look")
    config = access.load_access_config({"access": {"viewer_password_hash": viewer_hash}}, {})
    assert config.shared_roles == (VIEWER,)
    assert not config.named_accounts
    assert config.login("viewer", "look").role == VIEWER
