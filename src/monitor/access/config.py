"""The access configuration: who may log in, and with which role.

It comes from the secrets file (`.streamlit/secrets.toml`: the `[access]` table, and
`[auth]` for a login through an identity provider), then from environment variables
(MONITOR_<NAME>, e.g. MONITOR_EVALUATOR_PASSWORD_HASH).

It fails closed: a configuration that exists but cannot be read, or is incomplete, is an
AccessConfigError naming the file and line, never a dashboard open to everyone. Everyone
is an admin without a login only by a deliberate choice: no secrets file and no login
variables at all (a local install, as in the quick start), or `no_login = true`.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from monitor.access.passwords import HASH_EXAMPLE, check_password, decoy_hash, is_password_hash
from monitor.access.roles import ADMIN, EVALUATOR, LOCAL_ACTOR, ROLES, VIEWER, Actor
from monitor.errors import AccessConfigError

ACCESS, AUTH = "access", "auth"
ROLE_HASHES = {
    ADMIN: "admin_password_hash",
    EVALUATOR: "evaluator_password_hash",
    VIEWER: "viewer_password_hash",
}
FLAGS = ("open_to_viewers", "no_login")
EMAIL_LISTS = ("admins", "evaluators")
ACCESS_KEYS = (
    *ROLE_HASHES.values(),
    *FLAGS,
    *EMAIL_LISTS,
    "accounts",
    "restrict",
    "login_provider",
)
ENV_KEYS = (*ROLE_HASHES.values(), *FLAGS, *EMAIL_LISTS)  # MONITOR_<KEY> overrides the secrets
ACCOUNT_KEYS = ("name", "role", "password_hash")
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
TRUE_WORDS, FALSE_WORDS = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}

SERVES_NOTHING = "Until it is fixed, the dashboard shows no data to anyone."
KeyPath = tuple[str | int, ...]


def _problem(problem: str, fix: str, path: KeyPath = ()) -> AccessConfigError:
    error = AccessConfigError(problem, f"{fix} {SERVES_NOTHING}")
    error.key_path = path  # where in the secrets, to find its line
    return error


# --- the configuration ---------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """Someone who logs in with a name and a password. `shared`: a role's password (the
    simple mode), whose name is the role and whose users say who they are when they write."""

    name: str
    role: str
    password_hash: str
    shared: bool = False


@dataclass(frozen=True)
class AccessConfig:
    """Who gets which role.

    With OIDC login (`[auth]` in the secrets), users listed in `admins` or `evaluators`
    (by e-mail) get that role and every other logged-in user is a viewer. Otherwise
    people log in with the name and password of an account: a named account, or a role
    whose name is the role (a shared password). `open_to_viewers` lets people browse
    without logging in. `restrict` limits users (by e-mail, account name, or the role
    names for shared passwords) to some partnerships. `no_login`: nobody logs in and
    everyone is an admin (a local install).
    """

    oidc: bool = False
    accounts: tuple[Account, ...] = ()
    open_to_viewers: bool = False
    no_login: bool = False
    admins: tuple[str, ...] = ()
    evaluators: tuple[str, ...] = ()
    restrict: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    login_provider: str | None = None

    @property
    def passwords(self) -> bool:
        return bool(self.accounts)

    @property
    def named_accounts(self) -> bool:
        return any(not a.shared for a in self.accounts)

    @property
    def shared_roles(self) -> tuple[str, ...]:
        """The roles with a shared password, in rising order."""
        return tuple(
            a.role for a in sorted(self.accounts, key=lambda a: ROLES.index(a.role)) if a.shared
        )

    @property
    def local(self) -> bool:
        """No login: a local, single-user install where everyone is an admin."""
        return self.no_login

    def _actor(self, name: str | None, role: str, verified: bool = False) -> Actor:
        key = (name or role).lower()
        limited = self.restrict.get(key) or (None if verified else self.restrict.get(role))
        return Actor(name, role, tuple(limited) if limited else None, verified)

    def for_login(self, email: str) -> Actor:
        """The actor of a user logged in through OIDC."""
        key = email.strip().lower()
        role = ADMIN if key in self.admins else EVALUATOR if key in self.evaluators else VIEWER
        return self._actor(email, role, verified=True)

    def account(self, name: str) -> Account | None:
        key = name.strip().casefold()
        return next((a for a in self.accounts if a.name.casefold() == key), None)

    def login(self, name: str, password: str) -> Actor | None:
        """The actor that `name` and `password` log in as, or None. The password is
        checked against one hash: the account's (a decoy when there is no such account,
        so an unknown name takes as long as a wrong password)."""
        account = self.account(name or "")
        if not check_password(password or "", account.password_hash if account else decoy_hash()):
            return None
        if account is None:  # pragma: no cover - nobody knows the decoy's password
            return None
        return self._actor(account.name, account.role, verified=not account.shared)

    def anonymous(self) -> Actor | None:
        """The actor of someone who has not logged in (None: they must log in)."""
        if self.no_login:
            return LOCAL_ACTOR
        return self._actor(None, VIEWER) if self.open_to_viewers else None


# --- reading the secrets files -------------------------------------------------------------


@dataclass(frozen=True)
class SecretsFile:
    """A secrets file as read: its path and text (to point at the line of a problem)."""

    path: str
    text: str


@dataclass(frozen=True)
class Secrets:
    values: dict
    files: tuple[SecretsFile, ...] = ()


def read_secrets(paths: Iterable[str | Path]) -> Secrets | None:
    """The secrets of the TOML files among `paths` that exist, merged as Streamlit merges
    them (a later file's top-level keys win); None when there is no such file at all.

    A file that cannot be read or is not valid TOML is an AccessConfigError naming its line.
    """
    values: dict = {}
    files: list[SecretsFile] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise AccessConfigError(
                f"the secrets file cannot be read ({exc})",
                f"Check the file's permissions and that it is saved as UTF-8. {SERVES_NOTHING}",
                str(path),
            ) from exc
        values.update(parse_toml(text, str(path)))
        files.append(SecretsFile(str(path), text))
    return Secrets(values, tuple(files)) if files else None


def parse_toml(text: str, source: str) -> dict:
    """`text` as TOML; an AccessConfigError with the line of the first mistake."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", detail)
        line = int(found.group(1)) if found else max(1, text.count("\n") + 1)
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", detail)
        raise AccessConfigError(
            f"the secrets file is not valid TOML: {reason}",
            "Correct that line or the ones above it (an unclosed quote or list is the usual "
            "cause). " + SERVES_NOTHING,
            source,
            line,
        ) from exc


# --- checking and building the configuration ----------------------------------------------


def load_access_config(
    secrets: Mapping | None = None,
    environ: Mapping[str, str] | None = None,
    files: Sequence[SecretsFile] = (),
) -> AccessConfig:
    """The access configuration from `secrets` (the whole secrets, None when there is no
    secrets file) and MONITOR_<NAME> variables of `environ`, checked whole.

    Raises AccessConfigError for anything incomplete or unreadable, placed in the file of
    `files` (or the environment variable) it comes from.
    """
    environ = os.environ if environ is None else environ
    try:
        return _build(secrets, environ)
    except AccessConfigError as error:
        raise _place(error, files) from None


def _place(error: AccessConfigError, files: Sequence[SecretsFile]) -> AccessConfigError:
    """`error` placed in the environment variable, or the file and line, it comes from."""
    env = getattr(error, "env", None)
    if env:
        return error.located(f"environment variable {env}", None)
    path = getattr(error, "key_path", ())
    for secrets_file in reversed(files):  # the last file wins a key, so look there first
        line = line_of(secrets_file.text, path) if path else None
        if line is not None:
            return error.located(secrets_file.path, line)
    return error.located(files[-1].path, None) if files else error


def _build(secrets: Mapping | None, environ: Mapping[str, str]) -> AccessConfig:
    secrets = dict(secrets or {}) if secrets is not None else None
    section = (secrets or {}).get(ACCESS, {})
    if not isinstance(section, Mapping):
        raise _problem(
            "'access' must be a table ([access])", "Write it as an [access] table.", (ACCESS,)
        )
    values = dict(section)
    _unknown_keys(values, ACCESS_KEYS, (ACCESS,), "[access]")
    from_env = _environment(environ)
    values.update(from_env)

    oidc = _auth(secrets or {}, values.get("login_provider"))
    accounts = _accounts(values, from_env)
    config = AccessConfig(
        oidc=oidc,
        accounts=accounts,
        open_to_viewers=_flag(values, "open_to_viewers", from_env),
        no_login=_flag(values, "no_login", from_env),
        admins=_emails(values, "admins", from_env),
        evaluators=_emails(values, "evaluators", from_env),
        restrict=_restrict(values.get("restrict"), accounts, oidc),
        login_provider=values.get("login_provider"),
    )
    return _decide_open(config, secrets is not None, "no_login" in values, from_env)


def _decide_open(config: AccessConfig, has_file: bool, said: bool, env: Mapping) -> AccessConfig:
    """Everyone an admin only by choice: `no_login = true`, or nothing configured at all."""
    logins = config.oidc or config.passwords
    if config.no_login and logins:
        raise _problem(
            "no_login = true lets everyone in as an admin, yet a login is configured too",
            "Remove no_login (or MONITOR_NO_LOGIN) to keep the login, or remove the login.",
            (ACCESS, "no_login"),
        )
    if logins or config.no_login:
        return config
    if said:  # no_login = false, and no login either
        raise _problem(
            "no login is configured, and no_login is false",
            "Add password hashes, accounts or an [auth] section, or set no_login = true "
            "for a local install where everyone is an admin.",
            (ACCESS, "no_login"),
        )
    if has_file:
        raise _problem(
            "the secrets file configures no login",
            "Add password hashes, [[access.accounts]] or an [auth] section; or, for a local "
            "install where everyone may do everything, set no_login = true in [access].",
            (ACCESS,),
        )
    if config.open_to_viewers or config.admins or config.evaluators:
        raise _problem(
            "open_to_viewers, admins or evaluators is set but no login is configured",
            "Add password hashes or an [auth] section.",
            (ACCESS,),
        )
    return AccessConfig(no_login=True)  # nothing configured at all: a local install


def _unknown_keys(values: Mapping, known: Sequence[str], path: KeyPath, where: str) -> None:
    for key in values:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"Did you mean '{close[0]}'?" if close else f"Known keys: {', '.join(known)}."
            raise _problem(f"{where} has an unknown key '{key}'", hint, (*path, key))


def _environment(environ: Mapping[str, str]) -> dict:
    """The MONITOR_<KEY> variables that are set."""
    found = {}
    for key in ENV_KEYS:
        value = environ.get(f"MONITOR_{key.upper()}")
        if value is not None:
            found[key] = value
    return found


def _env_problem(key: str, problem: str, fix: str) -> AccessConfigError:
    error = _problem(problem, fix)
    error.env = f"MONITOR_{key.upper()}"
    return error


def _flag(values: Mapping, key: str, from_env: Mapping) -> bool:
    value = values.get(key, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    fix = "Write true or false."
    if key in from_env:
        raise _env_problem(key, f"'{value}' is neither true nor false", fix)
    raise _problem(f"{key} must be true or false, not {value!r}", fix, (ACCESS, key))


def _emails(values: Mapping, key: str, from_env: Mapping) -> tuple[str, ...]:
    value = values.get(key) or ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _problem(
            f"{key} must be a list of e-mail addresses",
            f'Write it as {key} = ["someone@example.org"].',
            (ACCESS, key),
        )
    return tuple(v.strip().lower() for v in value if v.strip())


def _hash(value: object, label: str, path: KeyPath, env: bool = False) -> str:
    if is_password_hash(value):
        return str(value)
    empty = value is None or (isinstance(value, str) and not value.strip())
    problem = f"{label} is empty" if empty else f"{label} is not a password hash"
    fix = f"Paste the whole line printed by `python -m monitor hash-password` ({HASH_EXAMPLE})."
    if env:
        raise _env_problem(label, problem, fix)
    raise _problem(problem, fix, path)


def _accounts(values: Mapping, from_env: Mapping) -> tuple[Account, ...]:
    """The shared role passwords (as accounts named by their role), then named accounts."""
    accounts = [
        Account(role, role, _hash(values[key], key, (ACCESS, key), key in from_env), shared=True)
        for role, key in ROLE_HASHES.items()
        if key in values
    ]
    listed = values.get("accounts", [])
    if not isinstance(listed, list) or not all(isinstance(a, Mapping) for a in listed):
        raise _problem(
            "accounts must be a list of tables",
            "Write each account as [[access.accounts]] with name, role and password_hash.",
            (ACCESS, "accounts"),
        )
    seen = {a.name for a in accounts}
    for index, entry in enumerate(listed):
        accounts.append(_account(entry, (ACCESS, "accounts", index), seen))
    return tuple(accounts)


def _account(entry: Mapping, path: KeyPath, seen: set[str]) -> Account:
    _unknown_keys(entry, ACCOUNT_KEYS, path, "an account")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _problem("an account has no name", 'Give it a name = "...".', path)
    name = name.strip()
    if name.casefold() in ROLES:
        raise _problem(
            f"an account is named '{name}', the name of a role",
            "Name accounts after people; a role's shared password is set with "
            f"{name.casefold()}_password_hash.",
            (*path, "name"),
        )
    if name.casefold() in seen:
        raise _problem(
            f"two accounts are named '{name}'", "Give each account its own name.", (*path, "name")
        )
    seen.add(name.casefold())
    role = entry.get("role")
    if role not in ROLES:
        raise _problem(
            f"the account '{name}' has the unknown role {role!r}",
            f"Use one of: {', '.join(ROLES)}.",
            (*path, "role") if "role" in entry else path,
        )
    stored = _hash(
        entry.get("password_hash"), f"the password_hash of '{name}'", (*path, "password_hash")
    )
    return Account(name, role, stored)


def _restrict(table: object, accounts: Sequence[Account], oidc: bool) -> dict[str, tuple[str, ...]]:
    path = (ACCESS, "restrict")
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise _problem("restrict must be a table", "Write it as [access.restrict].", path)
    names = {a.name.casefold() for a in accounts} | set(ROLES)
    restrict = {}
    for user, parts in table.items():
        key = str(user).strip().casefold()
        if key not in names and not (oidc and "@" in key):
            who = (
                "an account, a role or an e-mail address of the [auth] login"
                if oidc
                else "an account or a role"
            )
            raise _problem(
                f"restrict names '{user}', which is not {who}",
                "Check the spelling, or add that account.",
                (*path, str(user)),
            )
        listed = [parts] if isinstance(parts, str) else parts
        if (
            not isinstance(listed, list | tuple)
            or not listed
            or not all(isinstance(p, str) and p.strip() for p in listed)
        ):
            raise _problem(
                f"restrict for '{user}' must name at least one partnership",
                f'Write "{user}" = ["Partnership name"]; remove the line to give access to all.',
                (*path, str(user)),
            )
        restrict[key] = tuple(p.strip() for p in listed)
    return restrict


def _auth(secrets: Mapping, provider: object) -> bool:
    """True when an OIDC login is configured; raises when it is only partly configured."""
    auth = secrets.get(AUTH)
    if auth is None:
        if provider is not None:
            raise _problem(
                f"login_provider is '{provider}' but there is no [auth] section",
                "Add the [auth] section of your identity provider, or remove login_provider.",
                (ACCESS, "login_provider"),
            )
        return False
    if not isinstance(auth, Mapping):
        raise _problem("'auth' must be a table ([auth])", "Write it as an [auth] table.", (AUTH,))
    missing = [k for k in AUTH_KEYS if not auth.get(k)]
    name = str(provider) if provider is not None else None
    section = auth.get(name) if name else auth
    if not isinstance(section, Mapping):
        raise _problem(
            f"[auth.{name}] is missing, but login_provider names it",
            f"Add [auth.{name}] with {', '.join(PROVIDER_KEYS)}, or correct login_provider.",
            (ACCESS, "login_provider"),
        )
    missing += [k for k in PROVIDER_KEYS if not section.get(k)]
    if missing:
        where = f"[auth.{name}]" if name else "[auth]"
        raise _problem(
            f"{where} lacks {', '.join(missing)}",
            "Add them from your identity provider's app registration, or remove [auth].",
            (AUTH, name) if name else (AUTH,),
        )
    return True


# --- finding the line of a key in a TOML text ---------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"^\s*((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-.\s])+?)\s*=")


def _keys(dotted: str) -> list[str]:
    """`a."b c".d` as ["a", "b c", "d"]."""
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([^.\s\"']+)", dotted)
    return [next(p for p in group if p) if any(group) else "" for group in parts]


def line_of(text: str, path: KeyPath) -> int | None:
    """The line (1-based) where the key at `path` is set in TOML `text`: the key's own
    line, else the nearest table above it found; None when the text does not mention it.
    Integers in `path` count entries of an array of tables ([[...]])."""
    want = [str(p).casefold() if not isinstance(p, int) else p for p in path]
    best: tuple[int, int] | None = None  # (how much of the path matched, line)
    table: list = []
    counts: dict[tuple, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header and not _ASSIGN.match(line):
            keys = [k.casefold() for k in _keys(header.group(2))]
            if header.group(1) == "[[":
                index = counts.get(tuple(keys), -1) + 1
                counts[tuple(keys)] = index
                keys = [*keys, index]
            table = keys
            best = _better(best, _matched(table, want), number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            keys = [*table, *(k.casefold() for k in _keys(assign.group(1)))]
            best = _better(best, _matched(keys, want), number)
    return best[1] if best else None


def _matched(keys: list, want: list) -> int:
    """How many leading keys of `want` `keys` sets (0 unless `keys` is a prefix of it)."""
    if len(keys) > len(want) or keys != want[: len(keys)]:
        return 0
    return len(keys)


def _better(best: tuple[int, int] | None, depth: int, line: int) -> tuple[int, int] | None:
    if depth and (best is None or depth > best[0]):
        return depth, line
    return best
