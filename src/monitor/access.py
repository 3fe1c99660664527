"""Who may do what: roles, the access configuration, passwords, and guarded writes.

Three roles, each allowed what the one before it may do:

- viewer: browse the pages and download scores and reports;
- evaluator: also read and download the raw answers (one row per respondent, with
  partner and respondent id), upload survey files, load the sample data and remove
  uploads;
- admin: also change the settings.

The dashboard decides who the user is (see `monitor.dashboard.auth`) and calls the guarded
write functions of this module, which refuse the call without the role. The
command line is a local administrator's tool: it acts as `CLI_ACTOR`.

The configuration comes from the `[access]` table of Streamlit's secrets, then
environment variables (MONITOR_<NAME>, e.g. MONITOR_EVALUATOR_PASSWORD_HASH). With
no login configured at all (no `[auth]` in the secrets and no password), the
dashboard is a local, single-user install and everyone is an admin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from monitor import sample
from monitor.errors import AccessDenied, MonitorError
from monitor.ingest import ImportResult, PreparedImport
from monitor.ingest import commit_survey as _commit_survey
from monitor.store import Database, uploads

VIEWER, EVALUATOR, ADMIN = "viewer", "evaluator", "admin"
ROLES = (VIEWER, EVALUATOR, ADMIN)  # in rising order of what they may do

# Actions and the least role that may do them.
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

# Password hashes: "scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>".
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class Actor:
    """A user as far as access goes: a name, a role, and the partnerships they may see
    (None: all of them). `verified` is True when the name comes from a login (OIDC)."""

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
        """Who to record for a write: the login's name; else the name the user typed,
        marked with the role that the password gave."""
        if self.verified:
            return self.name
        if typed_name and self.name:
            return f"{typed_name} ({self.name})"
        return typed_name or self.name


LOCAL_ACTOR = Actor(None, ADMIN)  # a local install without any login configured
CLI_ACTOR = Actor("command line", ADMIN)


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


# --- passwords ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of `password`, for the secrets or the environment."""
    if not password:
        raise MonitorError("The password is empty.")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored` (a hash from `hash_password`).

    The comparison takes the same time wherever the first difference is.
    """
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# --- configuration -----------------------------------------------------------------------


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _as_list(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    return tuple(str(v).strip().lower() for v in value or () if str(v).strip())


@dataclass(frozen=True)
class AccessConfig:
    """Who gets which role.

    With OIDC login (`[auth]` in the secrets), users listed in `admins` or `evaluators`
    (by e-mail) get that role and every other logged-in user is a viewer. Without it,
    the password entered decides the role. `open_to_viewers` lets people browse
    without logging in. `restrict` limits users (by e-mail, or the role names
    "viewer" / "evaluator" for password logins) to some partnerships.
    """

    oidc: bool = False
    admin_password_hash: str | None = None
    evaluator_password_hash: str | None = None
    viewer_password_hash: str | None = None
    open_to_viewers: bool = False
    admins: tuple[str, ...] = ()
    evaluators: tuple[str, ...] = ()
    restrict: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def passwords(self) -> bool:
        return any(
            (self.admin_password_hash, self.evaluator_password_hash, self.viewer_password_hash)
        )

    @property
    def local(self) -> bool:
        """No login of any kind is configured: a local, single-user install."""
        return not self.oidc and not self.passwords

    def _actor(self, name: str | None, role: str, verified: bool = False) -> Actor:
        key = (name or role).lower()
        limited = self.restrict.get(key) or (None if verified else self.restrict.get(role))
        return Actor(name, role, tuple(limited) if limited else None, verified)

    def for_login(self, email: str) -> Actor:
        """The actor of a user logged in through OIDC."""
        key = email.strip().lower()
        role = ADMIN if key in self.admins else EVALUATOR if key in self.evaluators else VIEWER
        return self._actor(email, role, verified=True)

    def for_password(self, password: str) -> Actor | None:
        """The actor a password logs in as (the highest role it matches), or None."""
        for role, stored in (
            (ADMIN, self.admin_password_hash),
            (EVALUATOR, self.evaluator_password_hash),
            (VIEWER, self.viewer_password_hash),
        ):
            if stored and check_password(password, stored):
                return self._actor(role, role)
        return None

    def anonymous(self) -> Actor | None:
        """The actor of someone who has not logged in (None: they must log in)."""
        if self.local:
            return LOCAL_ACTOR
        return self._actor(None, VIEWER) if self.open_to_viewers else None


def load_access_config(
    section: Mapping | None = None, oidc: bool = False, environ: Mapping[str, str] | None = None
) -> AccessConfig:
    """The access configuration: `section` (the secrets' `[access]` table), overridden by
    MONITOR_<NAME> environment variables. `oidc` says whether `[auth]` is configured."""
    environ = os.environ if environ is None else environ
    values = dict(section or {})
    for name in (
        "admin_password_hash",
        "evaluator_password_hash",
        "viewer_password_hash",
        "open_to_viewers",
        "admins",
        "evaluators",
    ):
        env = environ.get(f"MONITOR_{name.upper()}")
        if env is not None:
            values[name] = env
    restrict = {
        str(user).strip().lower(): (parts,) if isinstance(parts, str) else tuple(parts)
        for user, parts in dict(values.get("restrict") or {}).items()
    }
    return AccessConfig(
        oidc=oidc,
        admin_password_hash=values.get("admin_password_hash") or None,
        evaluator_password_hash=values.get("evaluator_password_hash") or None,
        viewer_password_hash=values.get("viewer_password_hash") or None,
        open_to_viewers=_as_bool(values.get("open_to_viewers", False)),
        admins=_as_list(values.get("admins")),
        evaluators=_as_list(values.get("evaluators")),
        restrict=restrict,
    )


# --- guarded writes ----------------------------------------------------------------------


def commit_survey(
    actor: Actor | None, db: Database, prepared: PreparedImport, typed_name: str | None = None
) -> ImportResult:
    """Store a checked survey file, if `actor` may upload for its partnerships."""
    require(actor, UPLOAD, prepared.partnerships)
    return _commit_survey(db, prepared, actor.signature(typed_name))


def remove_upload(actor: Actor | None, db: Database, upload_id: int) -> dict:
    """Remove one upload, if `actor` may remove uploads of its partnership."""
    require(actor, REMOVE)
    partnership = uploads.upload_partnership(db, upload_id)
    require(actor, REMOVE, [partnership] if partnership is not None else [])
    return uploads.remove_upload(db, upload_id, removed_by=actor.signature())


def load_sample(actor: Actor | None, db: Database) -> list[ImportResult]:
    """Load the built-in sample data, if `actor` may upload."""
    require(actor, UPLOAD, sample.SAMPLE_PARTNERSHIPS.values())
    return sample.load_sample(db)


def visible(actor: Actor | None, partnerships: Iterable[str]) -> list[str]:
    """The partnerships `actor` may see, of `partnerships`."""
    if actor is None:
        return []
    return [p for p in partnerships if actor.may_see(p)]
