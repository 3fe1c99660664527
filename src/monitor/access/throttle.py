"""Login throttling: growing waits after failed logins, per session and per client address.

The policy (stated in the README): a session may fail 3 times freely; after that each
try must wait 2 seconds after the last failure, then 4, 8... up to a minute. An address
(shared by every session of one computer or office) may fail 10 times freely; then
5 seconds, doubling up to 15 minutes: a lockout. Failures are forgotten after 15 minutes
(a session) or an hour (an address) without another one. A successful login forgets the
session's failures. A try made while waiting is refused without checking the password, so
guessing costs no scrypt work. Every failure and every refusal is logged (never the
password).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from monitor.access.config import AccessConfig
from monitor.access.roles import Actor
from monitor.errors import MonitorError

log = logging.getLogger("monitor.access")


@dataclass(frozen=True)
class ThrottlePolicy:
    """`free` failures are allowed without a wait; the next waits `first_wait` seconds after
    the last failure, each further one twice as long, at most `max_wait`. Failures are
    forgotten `forget_after` seconds after the last one."""

    free: int
    first_wait: float
    max_wait: float
    forget_after: float

    def wait(self, failures: int) -> float:
        """Seconds to wait after the last of `failures` failures."""
        if failures < self.free:
            return 0.0
        return min(self.max_wait, self.first_wait * 2 ** min(failures - self.free, 60))


PER_SESSION = ThrottlePolicy(free=3, first_wait=2, max_wait=60, forget_after=15 * 60)
PER_ADDRESS = ThrottlePolicy(free=10, first_wait=5, max_wait=15 * 60, forget_after=60 * 60)
MAX_KEYS = 10_000  # sessions and addresses remembered at most (oldest forgotten first)


class TooManyLogins(MonitorError):
    """A login tried while the session or address must still wait."""

    def __init__(self, seconds: float):
        self.seconds = math.ceil(seconds)
        unit = "second" if self.seconds == 1 else "seconds"
        super().__init__(
            f"Too many failed logins. Wait {self.seconds} {unit} before you try again."
        )


@dataclass
class _Failures:
    count: int
    last: float


class LoginThrottle:
    """Failed logins remembered per session and per client address (thread-safe)."""

    def __init__(
        self,
        per_session: ThrottlePolicy = PER_SESSION,
        per_address: ThrottlePolicy = PER_ADDRESS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._policies = {"session": per_session, "address": per_address}
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], _Failures] = {}

    def _keys(self, session: str, address: str | None) -> list[tuple[str, str]]:
        keys = [("session", session)]
        if address:
            keys.append(("address", address))
        return keys

    def _current(self, key: tuple[str, str], now: float) -> _Failures | None:
        found = self._failures.get(key)
        if found and now - found.last > self._policies[key[0]].forget_after:
            del self._failures[key]
            return None
        return found

    def retry_after(self, session: str, address: str | None) -> float:
        """Seconds before `session` from `address` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            waits = [0.0]
            for key in self._keys(session, address):
                found = self._current(key, now)
                if found:
                    waits.append(found.last + self._policies[key[0]].wait(found.count) - now)
            return max(waits)

    def failed(self, session: str, address: str | None, name: str) -> float:
        """Note a failed login (logged); returns the wait before the next try."""
        now = self._clock()
        with self._lock:
            counts = []
            for key in self._keys(session, address):
                found = self._current(key, now) or _Failures(0, now)
                self._failures[key] = _Failures(found.count + 1, now)
                counts.append(found.count + 1)
            self._forget_oldest()
        wait = self.retry_after(session, address)
        log.warning(
            "Failed login as %r from %s (%s); next try in %.0f s",
            name[:100],
            address or "an unknown address",
            ", ".join(
                f"{n} in a row from this {kind}"
                for (kind, _), n in zip(self._keys(session, address), counts, strict=True)
            ),
            wait,
        )
        return wait

    def succeeded(self, session: str) -> None:
        """A login worked: forget the session's failures (the address's stay)."""
        with self._lock:
            self._failures.pop(("session", session), None)

    def _forget_oldest(self) -> None:
        if len(self._failures) > MAX_KEYS:
            by_age = sorted(self._failures, key=lambda k: self._failures[k].last)
            for key in by_age[: len(self._failures) - MAX_KEYS]:
                del self._failures[key]

    def login(
        self, config: AccessConfig, name: str, password: str, session: str, address: str | None
    ) -> Actor | None:
        """Log in with `name` and `password` unless this session or address must wait
        (TooManyLogins, the password unchecked); None for a wrong name or password."""
        wait = self.retry_after(session, address)
        if wait > 0:
            log.warning(
                "Login as %r from %s refused: %.0f s to wait after failed logins",
                name[:100],
                address or "an unknown address",
                wait,
            )
            raise TooManyLogins(wait)
        actor = config.login(name, password)
        if actor is None:
            self.failed(session, address, name)
        else:
            self.succeeded(session)
        return actor
