"""Answers on another scale (1-7, 0-10, or agreement wordings in other languages),
converted to the instrument's scale through extra answer codes, with a note that
states the conversion."""

from __future__ import annotations

from monitor import arrow_kernels as kernels
from monitor.ingest.mapping.targets import ColumnMapping
from monitor.ingest.platforms import Layout
from monitor.instrument import Instrument, normalise_answer

# Agreement wordings of other languages, by the instrument's 5-point value.
AGREEMENT_5 = {
    1: (
        "pas du tout d'accord",
        "tout à fait en désaccord",
        "totalmente en desacuerdo",
        "muy en desacuerdo",
        "stimme überhaupt nicht zu",
        "helemaal oneens",
        "cryf anghytuno",
    ),
    2: (
        "pas d'accord",
        "plutôt pas d'accord",
        "en desacuerdo",
        "stimme nicht zu",
        "oneens",
        "anghytuno",
    ),
    3: (
        "ni d'accord ni pas d'accord",
        "neutre",
        "ni de acuerdo ni en desacuerdo",
        "weder noch",
        "neutraal",
        "niet eens, niet oneens",
        "neutral",
        "neither agree or disagree",
    ),
    4: ("d'accord", "plutôt d'accord", "de acuerdo", "stimme zu", "eens", "cytuno"),
    5: (
        "tout à fait d'accord",
        "totalement d'accord",
        "totalmente de acuerdo",
        "muy de acuerdo",
        "stimme voll und ganz zu",
        "helemaal eens",
        "cryf gytuno",
    ),
}


# A 7-point agreement scale in English, by its own value.
AGREEMENT_7 = {
    1: ("strongly disagree",),
    2: ("disagree",),
    3: ("somewhat disagree", "slightly disagree", "mildly disagree"),
    4: ("neither agree nor disagree", "neutral"),
    5: ("somewhat agree", "slightly agree", "mildly agree"),
    6: ("agree",),
    7: ("strongly agree",),
}


def _linear(values: range, low: int, high: int, instrument: Instrument) -> dict[str, float]:
    span = instrument.scale_max - instrument.scale_min
    return {
        str(v): round(instrument.scale_min + (v - low) * span / (high - low), 4) for v in values
    }


def propose_scale(
    layout: Layout, mapping: ColumnMapping, instrument: Instrument
) -> tuple[dict[str, float | None], str]:
    """Extra answer codes (and a note) when the item answers use another scale."""
    sheet = layout.sheet
    positions = [
        p for p, h in enumerate(sheet.header) if mapping.targets.get(h) in set(instrument.item_ids)
    ]
    if not positions:
        return {}, ""
    values: set[str] = set()
    for pos in positions:
        values.update(v for v in kernels.distinct(sheet.cells.column(pos)) if v)
    codes = instrument.answer_codes()
    unknown = {normalise_answer(v) for v in values} - set(codes) - set(layout.missing_codes)
    if not unknown:
        return {}, ""
    extra: dict[str, float | None] = {}
    notes = []
    labels = {normalise_answer(t): v for v, texts in AGREEMENT_5.items() for t in texts}
    if unknown & set(labels):
        extra.update({k: float(v) for k, v in labels.items() if k in unknown})
        notes.append(
            "agreement wordings in another language were read as the matching "
            "points of the 1-5 scale"
        )
    seven = {normalise_answer(t): v for v, texts in AGREEMENT_7.items() for t in texts}
    if unknown - set(extra) and (unknown - set(extra)) <= set(seven) | set(codes):
        converted = _linear(range(1, 8), 1, 7, instrument)
        extra.update({k: converted[str(v)] for k, v in seven.items()})
        notes.append(
            "a 7-point agreement scale was converted linearly to "
            f"{instrument.scale_min}-{instrument.scale_max} ("
            + ", ".join(
                f"{t} = {converted[str(v)]:g}"
                for t, v in [("strongly disagree", 1), ("somewhat agree", 5), ("agree", 6)]
            )
            + ")"
        )
    numbers = []
    for value in unknown - set(extra):
        try:
            numbers.append(float(value))
        except ValueError:
            numbers = []
            break
    if numbers and all(n == int(n) for n in numbers):
        low = 0 if min(numbers) == 0 else 1
        high = 10 if max(numbers) > 7 else 7
        if max(numbers) <= high:
            converted = _linear(range(low, high + 1), low, high, instrument)
            extra.update(converted)
            notes.append(
                f"answers on a {low}-{high} scale were converted linearly to "
                f"{instrument.scale_min}-{instrument.scale_max} ("
                + ", ".join(f"{k} = {v:g}" for k, v in converted.items())
                + ")"
            )
    note = ("Answer scale: " + "; ".join(notes) + ".") if notes else ""
    return extra, note
