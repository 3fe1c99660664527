"""Where a user lands after logging in: the page and filters of the link they followed.

A password login happens inside the browser tab's session: the login screen is drawn on
the linked page, whose address (with its filters) stays in the browser, so the page runs
as linked once the password is accepted.

An OpenID Connect login (st.login) leaves the app for the identity provider, and
Streamlit brings the user back to the app's root in a new session. So the linked page
and filters are kept on the server for a few minutes, under a key of the browser: the
token of Streamlit's XSRF cookie (Streamlit turns XSRF protection on whenever `[auth]`
is configured, and keeps the token across requests). The first page run after the
login opens the kept page with its filters. Without that cookie the user lands on the
Overview, as before.
"""

from __future__ import annotations

import binascii
import hashlib
import threading
import time
from dataclasses import dataclass

import streamlit as st

XSRF_COOKIE = "_streamlit_xsrf"
KEEP_SECONDS = 15 * 60  # how long a link waits for its login
MAX_KEPT = 1000  # links kept at once (the oldest go first)


@dataclass(frozen=True)
class Target:
    """A linked page (its url path; "" for the home page) and its query parameters."""

    page: str
    params: dict[str, list[str]]
    kept_at: float


class _Kept:
    """Targets by browser key, shared by every session of this server process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.targets: dict[str, Target] = {}

    def put(self, key: str, target: Target) -> None:
        with self.lock:
            self.targets.pop(key, None)
            self.targets[key] = target
            while len(self.targets) > MAX_KEPT:
                self.targets.pop(next(iter(self.targets)))

    def take(self, key: str, now: float) -> Target | None:
        with self.lock:
            target = self.targets.pop(key, None)
        if target is None or now - target.kept_at > KEEP_SECONDS:
            return None
        return target


@st.cache_resource(show_spinner=False)
def _kept() -> _Kept:
    return _Kept()


def browser_key(xsrf_cookie: str | None) -> str | None:
    """A key of the browser from Streamlit's XSRF cookie ("2|mask|masked token|time"):
    the hash of the unmasked token, which stays the same across requests."""
    parts = (xsrf_cookie or "").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = binascii.a2b_hex(parts[1]), binascii.a2b_hex(parts[2])
    except (binascii.Error, ValueError):
        return None
    if not mask or not masked:
        return None
    token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
    return hashlib.sha256(token).hexdigest()


def _this_browser() -> str | None:
    try:
        return browser_key(st.context.cookies.get(XSRF_COOKIE))
    except (AttributeError, RuntimeError):
        return None


def _params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def keep_linked_page(page: str) -> None:
    """On the login screen of an OIDC login: keep the page and filters of the address
    for the session that follows the login."""
    key = _this_browser()
    if key is not None:
        _kept().put(key, Target(page, _params(), time.time()))


def take_linked_page() -> Target | None:
    """After an OIDC login: the page and filters kept for this browser (once)."""
    key = _this_browser()
    return None if key is None else _kept().take(key, time.time())
