"""Column names of uploaded files: the accepted spellings of each field, how a header is
normalised before it is compared, and the problems a header row can have on its own."""

from __future__ import annotations

import re

from monitor.errors import Problem

# The partnership of rows when neither a column nor the caller names one.
DEFAULT_PARTNERSHIP = "Partnership"

# Accepted header spellings (after normalisation) for each field of a survey response row.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "respondent_id": ("respondent_id", "respondent", "respondent_code", "respondentid"),
    "partner": ("partner", "agency", "partner_agency", "organisation", "organization"),
    "role": ("role", "position", "seniority"),
    "wave": ("wave", "period", "survey_wave"),
    "partnership": ("partnership", "partnership_name"),
    "wave_start": ("wave_start", "wave_date", "wave_start_date", "period_start"),
}
REQUIRED_FIELDS = ("respondent_id", "partner")


def normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def header_problems(header: list[str]) -> list[Problem]:
    """A problem for each column whose name repeats an earlier one."""
    seen: dict[str, int] = {}
    problems = []
    for pos, name in enumerate(header, start=1):
        key = normalise_header(name)
        if key and key in seen:
            problems.append(
                Problem(
                    message=f"column name repeats column {seen[key]}",
                    fix="Give every column a distinct name (delete or rename the copy)",
                    row=1,
                    column=name,
                )
            )
        seen.setdefault(key, pos)
    return problems


def locate_fields(header: list[str], aliases: dict[str, tuple[str, ...]]) -> tuple[dict, list]:
    """Map fields to header positions (the earliest alias wins); the other positions."""
    keys = [normalise_header(name) for name in header]
    fields: dict[str, int] = {}
    for name, names in aliases.items():
        for alias in names:
            if alias in keys and keys.index(alias) not in fields.values():
                fields[name] = keys.index(alias)
                break
    other = [pos for pos in range(len(header)) if pos not in fields.values()]
    return fields, other


def missing_fields(fields: dict, required: tuple[str, ...], kind: str) -> list[Problem]:
    """A problem for each required field without a column (`kind` names the template)."""
    return [
        Problem(
            message=f"required column '{name}' is missing",
            fix=f"Add a column named '{name}' (see the {kind} template), or rename the column "
            "that holds it",
            row=1,
        )
        for name in required
        if name not in fields
    ]


def all_aliases(aliases: dict[str, tuple[str, ...]]) -> set[str]:
    """Every accepted spelling of every field."""
    return {name for names in aliases.values() for name in names}
