"""Who is using the dashboard: the app's secrets, the login screen (OIDC or a password),
the account box in the sidebar, and the current actor that guarded writes are asked for."""

from __future__ import annotations

import logging

import streamlit as st

from monitor import access
from monitor.access import Actor
from monitor.untrusted import markdown_text as md

PASSWORD_ACTOR = "_password_actor"  # session: who a password logged in as
_log = logging.getLogger("monitor.access")


def secret(name: str) -> object | None:
    """A top-level value of Streamlit's secrets (None when absent or there are none)."""
    try:
        return st.secrets.get(name)
    except (FileNotFoundError, KeyError, TypeError, ValueError):
        return None


def secrets_table(name: str) -> dict | None:
    """A table of Streamlit's secrets (None when there is no such table or no secrets)."""
    try:
        if name not in st.secrets:
            return None
        return dict(st.secrets[name])
    except (FileNotFoundError, KeyError, TypeError, ValueError):
        return None


def _read_access_config() -> access.AccessConfig:
    """The access configuration from the secrets and MONITOR_* variables. Streamlit
    swallows a broken secrets file, so the files are read here too: a broken one is an
    AccessConfigError with its line, never "no login configured"."""
    from streamlit import config as st_config

    on_disk = access.read_secrets(st_config.get_option("secrets.files"))
    if on_disk is not None:
        return access.load_access_config(on_disk.values, files=on_disk.files)
    try:
        values = st.secrets.to_dict()  # secrets given without a file (as tests do)
    except FileNotFoundError:  # no secrets at all
        values = None
    return access.load_access_config(values)


def access_config() -> access.AccessConfig:
    """The access configuration; stops the page with a message when it is broken (it
    serves no data then: nobody can be told apart, so nobody is let in)."""
    try:
        return _read_access_config()
    except access.AccessConfigError as exc:
        _log.error("The login configuration cannot be used: %s", exc)
        st.error(
            "The dashboard's login configuration cannot be used, so no data is shown. "
            "An administrator has to correct it.",
            icon=":material/lock:",
        )
        with st.expander("For the administrator"):
            st.text(str(exc))
        st.stop()
        raise  # not reached: st.stop ends the run


def current_actor(config: access.AccessConfig | None = None) -> Actor | None:
    """Who is using this session (None: nobody logged in, and logging in is required)."""
    config = config or access_config()
    if config.oidc:
        user = st.user
        if user.get("is_logged_in"):
            return config.for_login(str(user.get("email") or user.get("name") or "unknown"))
    elif config.passwords and PASSWORD_ACTOR in st.session_state:
        return st.session_state[PASSWORD_ACTOR]
    return config.anonymous()


def may_read_answers() -> bool:
    """Whether the current user may see the raw answers (evaluators and admins)."""
    return may(access.RAW_ANSWERS)


def may(permission: str) -> bool:
    """Whether the current user has `permission` (access.UPLOAD, access.SETTINGS...)."""
    actor = current_actor()
    return actor is not None and actor.can(permission)


def visible(partnerships: list[str]) -> list[str]:
    """The partnerships of `partnerships` the current user may see."""
    return access.visible(current_actor(), partnerships)


def _login_provider() -> str | None:
    return access_config().login_provider


@st.cache_resource(show_spinner=False)
def _throttle() -> access.LoginThrottle:
    """Failed logins of every session of this server process."""
    return access.LoginThrottle()


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "no-session"


def _password_form(config: access.AccessConfig, key: str) -> None:
    """Name (or, with shared role passwords only, the role) and password; slowed down
    after failed logins, per session and per client address."""
    with st.form(key, border=False):
        if config.named_accounts:
            name = st.text_input("Name", key=f"{key}_name")
        else:
            roles = config.shared_roles
            name = st.selectbox("Log in as", roles, index=len(roles) - 1, key=f"{key}_name")
        password = st.text_input("Password", type="password", key=f"{key}_password")
        if st.form_submit_button("Log in", type="primary"):
            try:
                actor = _throttle().login(
                    config, name or "", password, _session_id(), st.context.ip_address
                )
            except access.TooManyLogins as exc:
                st.error(str(exc))
                return
            if actor is None:
                st.error("That name or password is not right.")
            else:
                st.session_state[PASSWORD_ACTOR] = actor
                st.rerun()


def login_screen(config: access.AccessConfig) -> None:
    """Shown instead of the pages when the user must log in first."""
    st.title("Partnership Monitor")
    if config.oidc:
        st.write("Log in with your organisation's account to open the dashboard.")
        if st.button("Log in", type="primary", key="oidc_login"):
            st.login(_login_provider())
    else:
        st.write("Log in with the name and password you were given to open the dashboard.")
        _password_form(config, "login")


def account_box(config: access.AccessConfig, actor: Actor) -> None:
    """Who is logged in, with what role, and how to log in or out (in the sidebar)."""
    box = st.sidebar.container()
    if config.local:  # a local install: nothing to show
        return
    if actor.name is None:  # browsing without a login
        with box.expander("Log in"):
            if config.oidc:
                if st.button("Log in with your account", key="oidc_login_side"):
                    st.login(_login_provider())
            else:
                _password_form(config, "side_login")
        return
    scope = f" · {md(', '.join(actor.partnerships))}" if actor.partnerships else ""
    box.caption(f"Logged in as **{md(actor.name)}** ({actor.role}){scope}")
    if box.button("Log out", key="logout"):
        if config.oidc:
            st.logout()
        else:
            st.session_state.pop(PASSWORD_ACTOR, None)
            st.rerun()


def login_offer(config: access.AccessConfig, actor: Actor | None, key: str) -> None:
    """On a page the user's role may not open: a way to log in with a role that may."""
    if config.local:
        return
    if config.oidc:
        if actor is not None and actor.name is not None:
            st.info(
                "Your account has this role. An administrator can give it another role "
                "(the `admins` and `evaluators` lists of the login settings)."
            )
            return
        if st.button("Log in", type="primary", key=f"{key}_oidc"):
            st.login(_login_provider())
        return
    if actor is not None and actor.name is not None:
        st.write("Log out, then log in with a password that has this role.")
        if st.button("Log out", key=f"{key}_logout"):
            st.session_state.pop(PASSWORD_ACTOR, None)
            st.rerun()
        return
    st.write("Log in with a password that has this role:")
    _password_form(config, key)
