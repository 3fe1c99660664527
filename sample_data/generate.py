"""Generate the canonical sample dataset: four survey waves of a fictional partnership.

Run `python sample_data/generate.py` to (re)write the files next to this script.
Output is seeded and reproducible; xlsx files carry fixed document dates.

The data carry patterns a partnership board should be able to spot:
trust rising wave over wave, staff capacity falling, the community and business
partners feeling less powerful (and less informed and trusted) than the statutory
agencies, and Housing's continuity dropping when its representatives all change.
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
# listed get a steady level drawn from the seed.
TRAJECTORIES: dict[str, tuple[float, ...]] = {
    "trust": (3.15, 3.5, 3.85, 4.15),
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
NOISE_SD = 0.65
PERSON_SD = 0.3


class Respondent(NamedTuple):
    id: str
    partner: str
    role: str
    effect: float


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


def _answers(
    rng: np.random.Generator,
    instrument: Instrument,
    levels: dict[str, tuple[float, ...]],
    item_shift: dict[str, float],
    person: Respondent,
    wave: int,
) -> dict[str, int | None | str]:
    """One respondent's answers: scale values (reverse items flipped) or a missing label."""
    lo, hi = instrument.scale_min, instrument.scale_max
    missing: list[str | None] = [*missing_choices(instrument), None]
    out: dict[str, int | None | str] = {}
    for item in instrument.items:
        latent = levels[item.factor][wave] + _effect(person.partner, item.factor, wave)
        latent += person.effect + item_shift[item.id] + rng.normal(0.0, NOISE_SD)
        value = int(np.clip(round(latent), lo, hi))
        if item.reverse:
            value = lo + hi - value
        if rng.random() < MISSING_RATE:
            out[item.id] = missing[int(rng.integers(len(missing)))]
        else:
            out[item.id] = value
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
    waves: dict[str, list[dict]] = {}
    for index, wave in enumerate(WAVES):
        rows = []
        for partner, _code in AGENCIES:
            for person in rosters[partner][index]:
                head = {"respondent_id": person.id, "partner": partner, "role": person.role}
                answers = _answers(rng, instrument, levels, item_shift, person, index)
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


def main() -> None:
    for path in generate():
        print(path.name)


if __name__ == "__main__":
    main()
