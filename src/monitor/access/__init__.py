"""Who may do what: roles, the access configuration, logins, and guarded writes.

Three roles, each allowed what the one before it may do:

- viewer: browse the pages and download data and reports;
- evaluator: also upload survey and records files, record how many people were
  invited, save column mappings, load the sample data and remove uploads;
- admin: also change the settings.

The dashboard decides who the user is from the configuration (`config`), with a login
slowed down after failures (`throttle`), and calls the guarded writes (`writes`), which
refuse the call without the role. The command line is a local administrator's tool: it
acts as `cli_actor()`, recorded under the operating-system user's name.
"""

from monitor.access.config import (
    AccessConfig,
    Account,
    Secrets,
    SecretsFile,
    line_of,
    load_access_config,
    read_secrets,
)
from monitor.access.passwords import check_password, hash_password, is_password_hash
from monitor.access.roles import (
    ACTION_WORDS,
    ADMIN,
    BROWSE,
    EVALUATOR,
    LOCAL_ACTOR,
    NEEDS,
    RAW_ANSWERS,
    REMOVE,
    ROLES,
    SETTINGS,
    UPLOAD,
    VIEWER,
    Actor,
    cli_actor,
    require,
    visible,
)
from monitor.access.throttle import LoginThrottle, ThrottlePolicy, TooManyLogins
from monitor.access.writes import (
    audit,
    commit_records,
    commit_survey,
    load_sample,
    remove_upload,
    save_invited,
    save_mapping,
    save_settings,
    uploads,
    visible_audit,
    visible_uploads,
)
from monitor.errors import AccessConfigError, AccessDenied

__all__ = [
    "ACTION_WORDS",
    "ADMIN",
    "BROWSE",
    "RAW_ANSWERS",
    "EVALUATOR",
    "LOCAL_ACTOR",
    "NEEDS",
    "REMOVE",
    "ROLES",
    "SETTINGS",
    "UPLOAD",
    "VIEWER",
    "AccessConfig",
    "AccessConfigError",
    "AccessDenied",
    "Account",
    "Actor",
    "LoginThrottle",
    "Secrets",
    "SecretsFile",
    "ThrottlePolicy",
    "TooManyLogins",
    "audit",
    "check_password",
    "cli_actor",
    "commit_records",
    "commit_survey",
    "hash_password",
    "is_password_hash",
    "line_of",
    "load_access_config",
    "load_sample",
    "read_secrets",
    "remove_upload",
    "require",
    "save_invited",
    "save_mapping",
    "save_settings",
    "uploads",
    "visible",
    "visible_audit",
    "visible_uploads",
]
