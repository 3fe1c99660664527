"""Roles, the actions they allow, and the actor: who is doing something, with what role,
limited to which partnerships."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.errors import AccessDenied

VIEWER, EVALUATOR, ADMIN = "viewer", "evaluator", "admin"
ROLES = (VIEWER, EVALUATOR, ADMIN)  # in rising order of what they may do

# Actions and the least role that may do them.
# Raw answers (one row per respondent, with partner and respondent id) are for evaluators.
BROWSE, RAW_ANSWERS = "browse", "raw answers"
UPLOAD, REMOVE, SETTINGS = "upload", "remove", "settings"
NEEDS = {
    BROWSE: VIEWER,
    RAW_ANSWERS: EVALUATOR,
    UPLOAD: EVALUATOR,
    REMOVE: EVALUATOR,
    SETTINGS: ADMIN,
}
ACTION_WORDS = {
    BROWSE: "view the dashboard",
    RAW_ANSWERS: "see the raw answers",
    UPLOAD: "upload survey data",
    REMOVE: "remove uploads",
    SETTINGS: "change the settings",
}


@dataclass(frozen=True)
class Actor:
    """A user as far as access goes: a name, a role, and the partnerships they may see
    (None: all of them). `verified` is True when the name is the user's own (an OIDC
    login, a named account, the operating-system user of the command line); False when
    the name is only the role a shared password gave."""

    name: str | None
    role: str
    partnerships: tuple[str, ...] | None = None
    verified: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")

    def can(self, action: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(NEEDS[action])

    def may_see(self, partnership: str) -> bool:
        return self.partnerships is None or partnership in self.partnerships

    def signature(self, typed_name: str | None = None) -> str | None:
        """Who to record for a write: the user's own name when known; else the name the
        user typed, marked with the role that the shared password gave."""
        if self.verified:
            return self.name
        if typed_name and self.name:
            return f"{typed_name} ({self.name})"
        return typed_name or self.name


LOCAL_ACTOR = Actor(None, ADMIN)  # a local install without any login configured


def cli_actor() -> Actor:
    """The command line: a local administrator's tool, recorded as `cli:<os user>`."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment or passwd
        user = "unknown"
    return Actor(f"cli:{user}", ADMIN, verified=True)


def require(actor: Actor | None, action: str, partnerships: Iterable[str] = ()) -> None:
    """Raise AccessDenied unless `actor` may do `action` (on every one of `partnerships`)."""
    if actor is None or not actor.can(action):
        who = f"the {actor.role} role" if actor else "no login"
        need = NEEDS[action]
        raise AccessDenied(
            f"You cannot {ACTION_WORDS[action]} with {who}: it needs the {need} role. "
            "Ask an administrator of the dashboard for access."
        )
    outside = sorted(p for p in set(partnerships) if not actor.may_see(p))
    if outside:
        raise AccessDenied(
            f"You cannot {ACTION_WORDS[action]} for {', '.join(outside)}: your access is "
            f"limited to {', '.join(actor.partnerships or ())}."
        )


def visible(actor: Actor | None, partnerships: Iterable[str]) -> list[str]:
    """The partnerships `actor` may see, of `partnerships`."""
    if actor is None:
        return []
    return [p for p in partnerships if actor.may_see(p)]
