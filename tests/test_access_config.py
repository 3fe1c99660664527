"""The access configuration fails closed: what exists but cannot be read or is incomplete
is an error naming the file and line, never a dashboard open to everyone as admin."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from monitor import access
from monitor.access import ADMIN, EVALUATOR, VIEWER
from monitor.errors import AccessConfigError

HASH = access.hash_password("right")
AUTH = textwrap.dedent(
    """\
    [auth]
    redirect_uri = "http://localhost:8501/oauth2callback"
    cookie_secret = "a-test-secret"
    client_id = "id"
    client_secret = "secret"
    server_metadata_url = "https://login.example.org/.well-known/openid-configuration"
    """
)


def load(tmp_path: Path, text: str, environ: dict | None = None) -> access.AccessConfig:
    path = tmp_path / "secrets.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    secrets = access.read_secrets([tmp_path / "missing.toml", path])
    return access.load_access_config(
        secrets.values if secrets else None, environ=environ or {}, files=secrets.files
    )


# (what is wrong, secrets file, words of the message, line)
BROKEN = [
    (
        "unclosed list",
        f"""\
        [access]
        admin_password_hash = "{HASH}"
        admins = ["boss@example.org",
        open_to_viewers = false
        """,
        "not valid TOML",
        4,
    ),
    ("unclosed quote", '[access]\nadmin_password_hash = "scrypt$\n', "not valid TOML", 2),
    ("empty hash", '[access]\nopen_to_viewers = true\nadmin_password_hash = ""\n', "empty", 3),
    ("not a hash", '[access]\nevaluator_password_hash = "hunter2"\n', "not a password hash", 2),
    ("short hash", '[access]\nadmin_password_hash = "scrypt$1$2"\n', "not a password hash", 2),
    (
        "misspelt key",
        f'[access]\nadmin_pasword_hash = "{HASH}"\n',
        "Did you mean 'admin_password_hash'",
        2,
    ),
    (
        "unknown role",
        f"""\
        [access]
        admin_password_hash = "{HASH}"

        [[access.accounts]]
        name = "Sam"
        role = "evaluator"
        password_hash = "{HASH}"

        [[access.accounts]]
        name = "Kim"
        role = "superuser"
        password_hash = "{HASH}"
        """,
        "unknown role 'superuser'",
        11,
    ),
    (
        "account without hash",
        '[[access.accounts]]\nname = "Sam"\nrole = "viewer"\npassword_hash = ""\n',
        "password_hash of 'Sam' is empty",
        4,
    ),
    (
        "two accounts one name",
        f"""\
        [[access.accounts]]
        name = "Sam"
        role = "viewer"
        password_hash = "{HASH}"
        [[access.accounts]]
        name = "sam"
        role = "admin"
        password_hash = "{HASH}"
        """,
        "two accounts are named 'sam'",
        6,
    ),
    (
        "account named as a role",
        f'[[access.accounts]]\nname = "Admin"\nrole = "viewer"\npassword_hash = "{HASH}"\n',
        "the name of a role",
        2,
    ),
    (
        "OIDC section without its keys",
        '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n',
        "[auth] lacks cookie_secret, client_id, client_secret, server_metadata_url",
        1,
    ),
    (
        "provider named but missing",
        AUTH + '\n[access]\nlogin_provider = "microsoft"\n',
        "[auth.microsoft] is missing",
        9,
    ),
    (
        "restrict naming an unknown role",
        f"""\
        [access]
        evaluator_password_hash = "{HASH}"

        [access.restrict]
        viewer = "Riverside"
        evaluater = ["Westbrook"]
        """,
        "restrict names 'evaluater'",
        6,
    ),
    (
        "restrict to nothing",
        f'[access]\nviewer_password_hash = "{HASH}"\nrestrict = {{ viewer = [] }}\n',
        "must name at least one partnership",
        3,
    ),
    (
        "flag neither true nor false",
        f'[access]\nadmin_password_hash = "{HASH}"\nopen_to_viewers = "perhaps"\n',
        "open_to_viewers must be true or false",
        3,
    ),
    (
        "e-mail roles without a login",
        '[access]\nadmins = ["boss@example.org"]\n',
        "configures no login",
        1,
    ),
    ("only a database address", 'MONITOR_DB = "postgresql://db/monitor"\n', "no login", None),
    (
        "open and a login at once",
        f'[access]\nno_login = true\nadmin_password_hash = "{HASH}"\n',
        "yet a login is configured",
        2,
    ),
    ("access not a table", 'access = "open"\n', "must be a table", 1),
]


@pytest.mark.parametrize(("case", "text", "words", "line"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_configuration_is_an_error_with_file_and_line(tmp_path, case, text, words, line):
    with pytest.raises(AccessConfigError) as caught:
        load(tmp_path, text)
    error = caught.value
    assert words in str(error)
    assert error.source == str(tmp_path / "secrets.toml")
    assert error.line == line
    if line:
        assert f"secrets.toml, line {line}: " in str(error)
    assert "shows no data" in str(error)
    assert HASH not in str(error)  # a message never repeats a secret


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"MONITOR_ADMIN_PASSWORD_HASH": ""}, "MONITOR_ADMIN_PASSWORD_HASH"),
        ({"MONITOR_EVALUATOR_PASSWORD_HASH": "plain words"}, "MONITOR_EVALUATOR_PASSWORD_HASH"),
        (
            {"MONITOR_ADMIN_PASSWORD_HASH": HASH, "MONITOR_OPEN_TO_VIEWERS": "perhaps"},
            "MONITOR_OPEN_TO_VIEWERS",
        ),
        ({"MONITOR_NO_LOGIN": "0"}, None),
    ],
)
def test_a_broken_environment_is_an_error_naming_the_variable(environ, variable):
    with pytest.raises(AccessConfigError) as caught:
        access.load_access_config(None, environ=environ)
    if variable:
        assert caught.value.source == f"environment variable {variable}"
        assert str(caught.value).startswith(f"environment variable {variable}: ")


def test_open_to_everyone_as_admin_only_by_choice(tmp_path):
    nothing = access.load_access_config(None, environ={})
    assert nothing.local and nothing.anonymous().role == ADMIN
    chosen = load(tmp_path, 'MONITOR_DB = "x"\n[access]\nno_login = true\n')
    assert chosen.local and chosen.anonymous().role == ADMIN
    by_variable = access.load_access_config(None, environ={"MONITOR_NO_LOGIN": "1"})
    assert by_variable.local
    with pytest.raises(AccessConfigError, match="no login"):
        access.load_access_config({}, environ={})  # a secrets file, empty
    with pytest.raises(AccessConfigError, match="yet a login is configured"):
        access.load_access_config(
            None, environ={"MONITOR_NO_LOGIN": "1", "MONITOR_ADMIN_PASSWORD_HASH": HASH}
        )


def test_a_file_that_cannot_be_read_is_an_error(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_bytes(b"[access]\nadmins = ['\xff']\n")
    with pytest.raises(AccessConfigError, match="cannot be read"):
        access.read_secrets([path])
    assert access.read_secrets([tmp_path / "none.toml"]) is None


def test_a_good_configuration_with_accounts_and_oidc(tmp_path):
    config = load(
        tmp_path,
        AUTH
        + f"""
        [access]
        admins = ["Boss@Example.org"]
        viewer_password_hash = "{HASH}"

        [[access.accounts]]
        name = "Sam Evans"
        role = "evaluator"
        password_hash = "{HASH}"

        [access.restrict]
        "sam evans" = "Riverside"
        viewer = ["Westbrook"]
        "ann@council.example" = ["Riverside"]
        """,
    )
    assert config.oidc and config.passwords and config.named_accounts
    assert config.for_login("boss@example.org").role == ADMIN
    assert config.for_login("ann@council.example").partnerships == ("Riverside",)
    sam = config.login("  SAM EVANS ", "right")
    assert (sam.name, sam.role, sam.partnerships, sam.verified) == (
        "Sam Evans",
        EVALUATOR,
        ("Riverside",),
        True,
    )
    viewer = config.login("viewer", "right")
    assert (viewer.role, viewer.partnerships, viewer.verified) == (VIEWER, ("Westbrook",), False)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("access",), 2),
        (("access", "restrict", "Sam Evans"), 5),
        (("access", "accounts", 1, "role"), 10),
        (("access", "accounts", 0), 7),
        (("auth",), None),
    ],
)
def test_line_of_a_key(path, line):
    text = textwrap.dedent(
        """\
        # secrets
        [access]
        admins = ["a@b.org"]  # [not a table]
        restrict.viewer = "Riverside"
        restrict."Sam Evans" = "Westbrook"

        [[access.accounts]]
        name = "A"
        [[ access.accounts ]]
        role = "viewer"
        """
    )
    assert access.line_of(text, path) == line
