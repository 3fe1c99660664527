"""Generate the canonical sample dataset: four survey waves of a fictional partnership,
its activity records and crime outcome counts, and a second, smaller partnership.

Run `python sample_data/generate.py` to (re)write the files next to this script.
Output is seeded and reproducible; xlsx files carry fixed document dates.

The data carry patterns a partnership board should be able to spot:
trust rising wave over wave, staff capacity falling, the community and business
partners feeling less powerful (and less informed and trusted) than the statutory
agencies, and Housing's continuity dropping when its representatives all change.

Answers follow a simple measurement model, so the scales behave like a real survey's:
each respondent has a level per factor (a general leaning shared by all factors plus a
factor's own part) that persists from wave to wave with a small wobble, and each item
adds its own noise. The items of a factor therefore agree with each other (Cronbach's
alpha mostly 0.7-0.85) and a respondent who answers again scores much as before.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

from monitor.instrument import Instrument, load_instrument
from monitor.sample import SAMPLE_PARTNERSHIPS
from monitor.template import (
    ACTIVITY_COLUMNS,
    build_template,
    missing_choices,
    response_columns,
    workbook_bytes,
)

FILE_STEM = "riverside"
PARTNERSHIP = SAMPLE_PARTNERSHIPS[FILE_STEM]

DEFAULT_SEED = 2025
WAVES: tuple[str, ...] = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
AGENCIES: tuple[tuple[str, str], ...] = (
    ("Police", "POL"),
    ("Council", "COU"),
    ("Health", "HEA"),
    ("Education", "EDU"),
    ("Housing", "HOU"),
    ("Youth Service", "YTH"),
    ("Business Association", "BUS"),
    ("Community Group", "COM"),
)
ROLES: tuple[str, ...] = ("Senior manager", "Manager", "Practitioner")
ROLE_WEIGHTS = (0.25, 0.35, 0.40)

# How each wave is written out: (extension, answers as labels?, csv delimiter, csv encoding).
FORMATS: dict[str, tuple[str, bool, str, str]] = {
    "2025-Q1": ("xlsx", True, "", ""),
    "2025-Q2": ("csv", False, ",", "utf-8"),
    "2025-Q3": ("xlsx", False, "", ""),
    "2025-Q4": ("csv", True, ";", "utf-8-sig"),
}

# Scenario: latent factor level per wave (before agency effects). Factors not
# listed get a steady level drawn from the seed. Answers stop at the top of the scale,
# so scores move less than these levels: trust's last step (+0.65) shows as about +0.5.
TRAJECTORIES: dict[str, tuple[float, ...]] = {
    "trust": (3.0, 3.3, 3.6, 4.25),
    "capacity": (3.5, 3.2, 2.9, 2.6),
    "mission": (4.1, 4.1, 4.1, 4.1),
    "power": (3.9, 3.9, 3.9, 3.9),
}
# Agency effects per factor, added to every wave unless the effect is per wave.
AGENCY_EFFECTS: dict[str, dict[str, float | tuple[float, ...]]] = {
    "Police": {"power": 0.3},
    "Council": {"power": 0.3},
    "Business Association": {"power": -1.35, "communication": -0.6, "trust": -0.5},
    "Community Group": {"power": -1.45, "communication": -0.7, "trust": -0.6},
    "Housing": {"continuity": (0.0, 0.0, -1.5, -1.1)},
}
# Housing's representatives all change at this wave (index into WAVES).
TURNOVER = {"Housing": 2}
# Respondents per agency and wave: at least 3 (so small-group suppression does not
# hide the patterns above), except the agencies listed here; never more than 6.
MIN_RESPONDENTS = 3
SMALL_AGENCIES = {"Education": 2, "Youth Service": 2}
MAX_RESPONDENTS = 6
MISSING_RATE = 0.03
LEAVE_RATE = 0.2
# The measurement model (standard deviations on the answer scale): a respondent's general
# leaning, shared by every factor; a respondent's own level on each factor; how much that
# level moves between waves; and the noise of a single answer.
PERSON_SD = 0.3
FACTOR_SD = 0.6
OCCASION_SD = 0.25
NOISE_SD = 0.5


class Respondent(NamedTuple):
    id: str
    partner: str
    role: str
    effect: float  # the general leaning (PERSON_SD)


def _new_member(rng: np.random.Generator, partner: str, code: str, number: int) -> Respondent:
    role = ROLES[rng.choice(len(ROLES), p=ROLE_WEIGHTS)]
    effect = float(rng.normal(0.0, PERSON_SD))
    return Respondent(f"{code}-{number:02d}", partner, role, effect)


def _agency_rosters(rng: np.random.Generator, partner: str, code: str) -> list[list[Respondent]]:
    """Who answers for one agency in each wave: mostly the same people, some churn."""
    floor = SMALL_AGENCIES.get(partner, MIN_RESPONDENTS)
    counter = iter(range(1, 100))
    size = rng.integers(floor, MAX_RESPONDENTS + 1)
    members = [_new_member(rng, partner, code, next(counter)) for _ in range(size)]
    rosters = [members]
    for wave in range(1, len(WAVES)):
        replaced = TURNOVER.get(partner) == wave
        stay = [] if replaced else [m for m in members if rng.random() >= LEAVE_RATE]
        joiners = int(rng.integers(0, 2))
        target = min(MAX_RESPONDENTS, max(floor, len(stay) + joiners))
        members = stay[:target]
        while len(members) < target:
            members.append(_new_member(rng, partner, code, next(counter)))
        rosters.append(members)
    return rosters


def _factor_levels(
    rng: np.random.Generator, instrument: Instrument
) -> dict[str, tuple[float, ...]]:
    levels = {}
    for key in instrument.factor_keys:
        steady = float(rng.uniform(3.35, 4.05))
        levels[key] = TRAJECTORIES.get(key, (steady,) * len(WAVES))
    return levels


def _effect(partner: str, factor: str, wave: int) -> float:
    value = AGENCY_EFFECTS.get(partner, {}).get(factor, 0.0)
    return float(value[wave]) if isinstance(value, tuple) else float(value)


def person_levels(
    rng: np.random.Generator, instrument: Instrument, general: float
) -> dict[str, float]:
    """A respondent's own level per factor, relative to the partnership's: the general
    leaning plus a part of the factor's own. It stays with them from wave to wave."""
    return {key: general + float(rng.normal(0.0, FACTOR_SD)) for key in instrument.factor_keys}


def item_answers(
    rng: np.random.Generator,
    instrument: Instrument,
    latent: dict[str, float],
    item_shift: dict[str, float],
) -> dict[str, int]:
    """Scale values (reverse items flipped as the respondent would answer them) around a
    respondent's level per factor in this wave (`latent`), wobbled for the occasion."""
    lo, hi = instrument.scale_min, instrument.scale_max
    today = {key: value + rng.normal(0.0, OCCASION_SD) for key, value in latent.items()}
    out = {}
    for item in instrument.items:
        value = today[item.factor] + item_shift.get(item.id, 0.0) + rng.normal(0.0, NOISE_SD)
        value = int(np.clip(round(value), lo, hi))
        out[item.id] = lo + hi - value if item.reverse else value
    return out


def _answers(
    rng: np.random.Generator,
    instrument: Instrument,
    levels: dict[str, tuple[float, ...]],
    item_shift: dict[str, float],
    person: Respondent,
    own: dict[str, float],
    wave: int,
) -> dict[str, int | None | str]:
    """One respondent's answers: scale values (reverse items flipped) or a missing label."""
    missing: list[str | None] = [*missing_choices(instrument), None]
    latent = {
        key: levels[key][wave] + _effect(person.partner, key, wave) + own[key]
        for key in instrument.factor_keys
    }
    values = item_answers(rng, instrument, latent, item_shift)
    out: dict[str, int | None | str] = {}
    for item in instrument.items:
        if rng.random() < MISSING_RATE:
            out[item.id] = missing[int(rng.integers(len(missing)))]
        else:
            out[item.id] = values[item.id]
    return out


def build_waves(
    seed: int = DEFAULT_SEED, instrument: Instrument | None = None
) -> dict[str, list[dict]]:
    """Wave -> rows (dicts keyed by the template columns); answers are ints or missing labels."""
    instrument = instrument or load_instrument()
    rng = np.random.default_rng(seed)
    levels = _factor_levels(rng, instrument)
    item_shift = {item_id: float(rng.normal(0.0, 0.12)) for item_id in instrument.item_ids}
    rosters = {partner: _agency_rosters(rng, partner, code) for partner, code in AGENCIES}
    own: dict[str, dict[str, float]] = {}
    for partner, _code in AGENCIES:
        for roster in rosters[partner]:
            for person in roster:
                if person.id not in own:
                    own[person.id] = person_levels(rng, instrument, person.effect)
    waves: dict[str, list[dict]] = {}
    for index, wave in enumerate(WAVES):
        rows = []
        for partner, _code in AGENCIES:
            for person in rosters[partner][index]:
                head = {"respondent_id": person.id, "partner": partner, "role": person.role}
                answers = _answers(
                    rng, instrument, levels, item_shift, person, own[person.id], index
                )
                rows.append({**head, "wave": wave, **answers})
        waves[wave] = rows
    return waves


def _cell(value: object, labels: dict[int, str], as_labels: bool) -> object:
    if isinstance(value, int) and as_labels:
        return labels[value]
    return value


def _row_values(row: dict, columns: list[str], instrument: Instrument, as_labels: bool) -> list:
    return [_cell(row[col], instrument.labels, as_labels) for col in columns]


def _write_xlsx(path: Path, rows: list[dict], instrument: Instrument, as_labels: bool) -> None:
    columns = response_columns(instrument)
    if as_labels:  # a filled-in copy of the download template
        wb = build_template(instrument)
        ws = wb["Responses"]
    else:  # an export from a survey tool: a plain sheet of numbers
        wb = Workbook()
        ws = wb.active
        ws.title = "Responses"
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
    for row in rows:
        ws.append(_row_values(row, columns, instrument, as_labels))
    path.write_bytes(workbook_bytes(wb))


def _write_csv(
    path: Path, rows: list[dict], instrument: Instrument, as_labels: bool, sep: str, enc: str
) -> None:
    columns = response_columns(instrument)
    with path.open("w", encoding=enc, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            values = _row_values(row, columns, instrument, as_labels)
            writer.writerow(["" if v is None else v for v in values])


def generate(seed: int = DEFAULT_SEED, out_dir: str | Path | None = None) -> list[Path]:
    """Write one file per wave into `out_dir` (default: this folder); return their paths."""
    instrument = load_instrument()
    target = Path(out_dir) if out_dir is not None else Path(__file__).resolve().parent
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for wave, rows in build_waves(seed, instrument).items():
        ext, as_labels, sep, enc = FORMATS[wave]
        path = target / f"{FILE_STEM}_{wave}.{ext}"
        if ext == "xlsx":
            _write_xlsx(path, rows, instrument, as_labels)
        else:
            _write_csv(path, rows, instrument, as_labels, sep, enc)
        paths.append(path)
    return paths


# --- activity records, outcome counts and a second partnership ---------------------------
# These come from their own random streams, so the four survey files above never change.

RECORDS_STREAM = 1  # np.random.default_rng([seed, stream]) for the files below
OUTCOMES_STREAM = 2
SECOND_STREAM = 3
SECOND_RECORDS_STREAM = 4

# Riverside's meetings in 2025: a board meeting and a problem-solving group each quarter.
MEETINGS: tuple[tuple[str, str], ...] = (
    ("2025-02-12", "Board meeting"),
    ("2025-03-19", "Problem-solving group"),
    ("2025-05-14", "Board meeting"),
    ("2025-06-18", "Problem-solving group"),
    ("2025-08-13", "Board meeting"),
    ("2025-09-17", "Problem-solving group"),
    ("2025-11-12", "Board meeting"),
    ("2025-12-10", "Problem-solving group"),
)
NO_MINUTES = {("2025-09-17", "Problem-solving group")}  # one meeting left undocumented
# Representatives (pseudonyms) per agency; a second name takes over from that quarter.
REPRESENTATIVES: dict[str, tuple[str, ...]] = {
    "Police": ("Insp. Hale",),
    "Council": ("M. Osei",),
    "Health": ("Dr Lind",),
    "Education": ("R. Novak",),
    "Housing": ("A. Brown", "L. Green"),
    "Youth Service": ("T. Ruiz",),
    "Business Association": ("K. Doyle",),
    "Community Group": ("S. Ahmed",),
}
REP_CHANGE_QUARTER = {"Housing": 3}  # Housing's representative changes at Q3, as in the survey
ATTENDANCE: dict[str, float] = {  # chance of attending a meeting
    "Police": 1.0,
    "Council": 1.0,
    "Health": 0.85,
    "Education": 0.7,
    "Housing": 0.8,
    "Youth Service": 0.75,
    "Business Association": 0.5,
    "Community Group": 0.6,
}
# Staff hours per meeting attended, before the capacity decline (quarter 1 = 100%).
BASE_HOURS: dict[str, float] = {
    "Police": 10,
    "Council": 12,
    "Health": 6,
    "Education": 4,
    "Housing": 6,
    "Youth Service": 5,
    "Business Association": 3,
    "Community Group": 4,
}
CAPACITY_TREND = (1.0, 0.85, 0.7, 0.55)  # staff time falls with the survey's capacity score
RESOURCES: dict[str, float] = {"Police": 1500, "Council": 2500, "Health": 500, "Housing": 400}
INFO_SHARING: dict[str, float] = {  # mean information-sharing actions per meeting
    "Police": 3.0,
    "Council": 2.5,
    "Health": 1.5,
    "Education": 1.0,
    "Housing": 1.0,
    "Youth Service": 1.0,
    "Business Association": 0.3,
    "Community Group": 0.3,
}

# Outcomes: police-style open data, one row per incident, July 2024 to December 2025.
OUTCOME_MONTHS = tuple(f"{y}-{m:02d}" for y, m in [(2024, m) for m in range(7, 13)]) + tuple(
    f"2025-{m:02d}" for m in range(1, 13)
)
# Mean incidents per month; a partnership-led fall in anti-social behaviour during 2025.
CRIME_TYPES: dict[str, float] = {
    "Anti-social behaviour": 38,
    "Violence and sexual offences": 22,
    "Criminal damage and arson": 9,
    "Burglary": 6,
    "Shoplifting": 8,
    "Vehicle crime": 5,
}
ASB_TREND = 0.03  # anti-social behaviour falls by this share per month during 2025
AREAS = ("Riverside 001A", "Riverside 001B", "Riverside 002A", "Riverside 002C")
OUTCOME_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
FORCE = "Riverside Police"
OUTCOME_STATUS = (
    "Under investigation",
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Awaiting court outcome",
)

SECOND_STEM = "westbrook"
SECOND_WAVES: tuple[str, ...] = ("2024-H2", "2025-H1", "2025-H2")
SECOND_AGENCIES: tuple[tuple[str, str], ...] = (
    ("Police", "WPOL"),
    ("Council", "WCOU"),
    ("Health", "WHEA"),
    ("Fire and Rescue", "WFIR"),
    ("Probation", "WPRO"),
    ("Residents' Association", "WRES"),
)
SECOND_LEVELS: dict[str, tuple[float, ...]] = {
    "trust": (3.6, 3.7, 3.8),
    "power": (3.7, 3.75, 3.8),
    "capacity": (3.7, 3.7, 3.6),
    "leadership": (3.2, 3.3, 3.3),
    "continuity": (4.0, 4.0, 4.0),
}
SECOND_MEETINGS = ("2025-03-05", "2025-06-04", "2025-09-03", "2025-12-03")


def _quarter(day: str) -> int:
    return (int(day[5:7]) - 1) // 3 + 1


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def build_activity(
    rng: np.random.Generator,
    meetings: tuple[tuple[str, str], ...],
    agencies: tuple[str, ...],
    *,
    representatives: dict[str, tuple[str, ...]],
    attendance: dict[str, float],
    hours: dict[str, float],
    trend: tuple[float, ...],
    resources: dict[str, float],
    sharing: dict[str, float],
    change_quarter: dict[str, int],
    no_minutes: set[tuple[str, str]],
) -> list[dict]:
    """One row per agency per meeting: who came, hours, resources, information shared."""
    rows = []
    for day, activity in meetings:
        quarter_no = _quarter(day)
        scale = trend[quarter_no - 1]
        for partner in agencies:
            names = representatives[partner]
            changed = quarter_no >= change_quarter.get(partner, 99)
            rep = names[1] if changed and len(names) > 1 else names[0]
            came = bool(rng.random() < attendance[partner])
            board = activity == "Board meeting"
            given = resources.get(partner, 0.0) * scale if board and came else 0.0
            shared = int(rng.poisson(sharing[partner])) if came else 0
            staff = round(hours[partner] * scale * float(rng.uniform(0.8, 1.2)) * 2) / 2
            rows.append(
                {
                    "date": day,
                    "activity": activity,
                    "partner": partner,
                    "representative": rep if came else "",
                    "attended": _yes(came),
                    "role": ("Senior manager" if partner in ("Police", "Council") else "Manager")
                    if came
                    else "",
                    "minutes_recorded": _yes((day, activity) not in no_minutes),
                    "staff_hours": staff if came else 0,
                    "resources": round(given, -1),
                    "info_shared": shared,
                }
            )
    return rows


def build_outcomes(rng: np.random.Generator) -> list[list]:
    """Police open data style: one row per incident."""
    rows = []
    number = 0
    for index, month in enumerate(OUTCOME_MONTHS):
        summer = 1.0 + 0.15 * np.cos((int(month[5:]) - 7) / 12 * 2 * np.pi)
        into_2025 = max(0, index - 5)
        for crime, mean in CRIME_TYPES.items():
            level = mean * summer
            if crime == "Anti-social behaviour":
                level *= (1 - ASB_TREND) ** into_2025
            for _ in range(int(rng.poisson(level))):
                number += 1
                area = AREAS[int(rng.integers(len(AREAS)))]
                rows.append(
                    [
                        "" if crime == "Anti-social behaviour" else f"RV{number:06d}",
                        month,
                        FORCE,
                        FORCE,
                        round(-1.5 + float(rng.normal(0, 0.01)), 6),
                        round(52.6 + float(rng.normal(0, 0.01)), 6),
                        "On or near High Street",
                        f"E0100{AREAS.index(area):04d}",
                        area,
                        crime,
                        ""
                        if crime == "Anti-social behaviour"
                        else OUTCOME_STATUS[int(rng.integers(len(OUTCOME_STATUS)))],
                        "",
                    ]
                )
    return rows


def build_second_waves(rng: np.random.Generator, instrument: Instrument) -> dict[str, list[dict]]:
    """A second partnership's survey: six agencies, three half-yearly waves; the same three
    people per agency answer every wave, a fourth only in the middle one."""
    steady = {k: float(rng.uniform(3.4, 4.0)) for k in instrument.factor_keys}
    levels = {k: SECOND_LEVELS.get(k, (steady[k],) * len(SECOND_WAVES)) for k in steady}
    people = {
        partner: [(f"{code}-{n:02d}", ROLES[int(rng.integers(len(ROLES)))]) for n in range(1, 5)]
        for partner, code in SECOND_AGENCIES
    }
    own = {
        respondent: person_levels(rng, instrument, float(rng.normal(0.0, PERSON_SD)))
        for members in people.values()
        for respondent, _role in members
    }
    waves: dict[str, list[dict]] = {}
    for index, wave in enumerate(SECOND_WAVES):
        rows = []
        for partner, _code in SECOND_AGENCIES:
            for respondent, role in people[partner][: 3 + (index % 2)]:
                latent = {k: levels[k][index] + own[respondent][k] for k in levels}
                answers = item_answers(rng, instrument, latent, {})
                head = {"respondent_id": respondent, "partner": partner, "role": role}
                rows.append({**head, "wave": wave, **answers})
        waves[wave] = rows
    return waves


def _write_rows(path: Path, columns: tuple[str, ...] | list[str], rows: list) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row[c] for c in columns] if isinstance(row, dict) else row)


def generate_records(seed: int = DEFAULT_SEED, out_dir: str | Path | None = None) -> list[Path]:
    """Write Riverside's activity and outcome files and the second partnership's files."""
    instrument = load_instrument()
    target = Path(out_dir) if out_dir is not None else Path(__file__).resolve().parent
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    rng = np.random.default_rng([seed, RECORDS_STREAM])
    riverside = build_activity(
        rng,
        MEETINGS,
        tuple(a for a, _ in AGENCIES),
        representatives=REPRESENTATIVES,
        attendance=ATTENDANCE,
        hours=BASE_HOURS,
        trend=CAPACITY_TREND,
        resources=RESOURCES,
        sharing=INFO_SHARING,
        change_quarter=REP_CHANGE_QUARTER,
        no_minutes=NO_MINUTES,
    )
    paths.append(target / f"{FILE_STEM}_activity_2025.csv")
    _write_rows(paths[-1], ACTIVITY_COLUMNS, riverside)

    rng = np.random.default_rng([seed, OUTCOMES_STREAM])
    paths.append(target / f"{FILE_STEM}_outcomes_2024-07_2025-12.csv")
    _write_rows(paths[-1], OUTCOME_COLUMNS, build_outcomes(rng))

    rng = np.random.default_rng([seed, SECOND_STREAM])
    for wave, rows in build_second_waves(rng, instrument).items():
        path = target / f"{SECOND_STEM}_{wave}.csv"
        _write_csv(path, rows, instrument, False, ",", "utf-8")
        paths.append(path)
    agencies = tuple(a for a, _ in SECOND_AGENCIES)
    rng = np.random.default_rng([seed, SECOND_RECORDS_STREAM])
    westbrook = build_activity(
        rng,
        tuple((day, "Board meeting") for day in SECOND_MEETINGS),
        agencies,
        representatives={a: (f"{code} lead", f"{code} deputy") for a, code in SECOND_AGENCIES},
        attendance={a: 0.9 for a in agencies},
        hours={a: 6.0 for a in agencies},
        trend=(1.0, 1.0, 1.0, 1.0),
        resources={"Police": 1000, "Council": 1500},
        sharing={a: 2.0 for a in agencies},
        change_quarter={"Probation": 3},
        no_minutes=set(),
    )
    paths.append(target / f"{SECOND_STEM}_activity_2025.csv")
    _write_rows(paths[-1], ACTIVITY_COLUMNS, westbrook)
    return paths


def main() -> None:
    for path in [*generate(), *generate_records()]:
        print(path.name)


if __name__ == "__main__":
    main()
