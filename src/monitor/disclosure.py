"""The disclosure rule: no score of a group smaller than the minimum group size, and no
way to work one out by differencing.

Every reader of scores in the library applies it (factor scores, the scorecard with
its changes, partner and role tables, trends, the report and the command line), so no
page has to remember it:

- Primary suppression hides every group with fewer than `min_group_size` respondents
  (partners, roles, a partner selection and the whole partnership alike).
- Secondary suppression: a total is shown next to its groups, so hidden groups can be
  recovered together as "total minus the visible ones". It keeps hiding the smallest
  still-visible group of the same total until the hidden groups together hold at least
  `min_group_size` respondents (or nothing is left visible).
- A partner selection is compared with the whole partnership, so it is hidden when it,
  the partners it leaves out, its hidden partners or the hidden partners outside it
  number fewer than `min_group_size` respondents.
- A change, interval or earlier value uses every wave it compares: it is hidden when
  the group is hidden in any of them (the current wave, the wave compared with, the
  first wave).
- Free-text comments have their own, usually higher, threshold (`comment_min_group_size`).

`NO_MINIMUM` (1) switches the rule off: for an administrator's explicit request and
for computations that never leave the library.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from monitor.store import Database, config, responses

if TYPE_CHECKING:
    import pandas as pd

HIDDEN = ["mean", "sd", "ci_low", "ci_high", "band", "band_label"]
NUMERIC = ("mean", "sd", "ci_low", "ci_high")
NO_MINIMUM = 1  # every group has at least one respondent: nothing is hidden
HIDDEN_TEXT = "hidden (small group)"  # the verdict of a change that is not shown
CELL = ("partnership", "wave", "factor")

# The rule is decided once, on plain numbers (`hidden_groups`, `group_marks`,
# `total_marks`, `selection_cells`, `selection_group_marks`): which rows to hide, and
# which of them only to protect another. Scores come as plain rows (dicts: the
# `*_rows` functions) or as pandas tables (the others); each form only blanks what the
# rule marked.


def configured(db: Database) -> tuple[int, int]:
    """The rule's thresholds as configured for `db`: (min_group_size,
    comment_min_group_size) from the settings file, the environment and the settings
    saved on the dashboard."""
    from monitor.settings import load_settings

    settings = load_settings(stored=config.stored_settings(db))
    return settings.min_group_size, settings.comment_min_group_size


def minimum(db: Database, min_group_size: int | None) -> int:
    """`min_group_size`, or the configured one when None."""
    return configured(db)[0] if min_group_size is None else max(int(min_group_size), 1)


def _size_of(columns: Iterable[str]) -> str:
    return "respondents" if "respondents" in columns else "n"


def size_column(frame: pd.DataFrame) -> str:
    """The column counting people: `respondents` (agency weighting, where `n` counts
    partners) or `n`."""
    return _size_of(frame.columns)


def _label(value: object) -> object:
    """A group label as a key: every kind of missing (None, NaN, NA) is None."""
    try:
        return None if value is None or value != value else value
    except TypeError:  # pandas' NA has no truth value
        return None


# --- the rule, on plain numbers -------------------------------------------------------


def hidden_groups(sizes: Mapping, min_group_size: int) -> set:
    """Labels of the groups that must be hidden (primary plus secondary suppression);
    `sizes` maps each group of one total to its respondents (a dict or a Series)."""
    sizes = dict(sizes.items())
    hidden = {label for label, people in sizes.items() if 0 < people < min_group_size}
    if not hidden:
        return hidden
    people = sum(sizes[label] for label in hidden)
    visible = sorted((label for label in sizes if label not in hidden), key=sizes.__getitem__)
    for label in visible:  # the smallest first (in their order when equal)
        if people >= min_group_size:
            break
        hidden.add(label)
        people += sizes[label]
    return hidden


def group_marks(
    cells: Sequence[Hashable], sizes: Sequence[float], min_group_size: int
) -> tuple[list[bool], list[bool]]:
    """For rows of groups, each with the cell (total) it belongs to and its respondents:
    whether each row is hidden, and whether only to protect another group (secondary)."""
    members: dict[Hashable, dict[int, float]] = {}
    for row, (cell, people) in enumerate(zip(cells, sizes, strict=True)):
        members.setdefault(cell, {})[row] = people
    hide = [False] * len(sizes)
    for groups in members.values():
        for row in hidden_groups(groups, min_group_size):
            hide[row] = True
    secondary = [h and people >= min_group_size for h, people in zip(hide, sizes, strict=True)]
    return hide, secondary


def total_marks(sizes: Iterable[float], min_group_size: int) -> list[bool]:
    """Which totals (a whole partnership or a partner selection in one wave) are hidden:
    those of fewer than `min_group_size` respondents (primary suppression)."""
    return [people < min_group_size for people in sizes]


def selection_too_small(selected: int, total: int, min_group_size: int) -> bool:
    """Whether a partner selection must not be scored: it has fewer respondents than the
    minimum, or what it leaves out (total minus selection) does, so that comparing it
    with the whole partnership would reveal a small group."""
    left_out = total - selected
    return selected < min_group_size or 0 < left_out < min_group_size


def _reveals(people: int, min_group_size: int) -> bool:
    return 0 < people < min_group_size


def selection_cells(
    partner_sizes: Iterable[tuple[tuple, object, int]],
    partners: Sequence[str],
    min_group_size: int,
) -> set[tuple]:
    """Cells (partnership, wave, factor) where the total of the partner selection must
    be hidden; `partner_sizes` holds (cell, partner, respondents) over the whole
    partnership.

    The selection total can be subtracted from the partnership total, and the visible
    partner scores from both, so it is hidden when the selection, what it leaves out,
    its own hidden partners or the hidden partners outside it number fewer than the
    minimum (but more than none)."""
    by_cell: dict[tuple, dict] = {}
    for cell, partner, people in partner_sizes:
        by_cell.setdefault(cell, {})[partner] = people
    chosen = set(partners)
    cells = set()
    for cell, sizes in by_cell.items():
        hidden = hidden_groups(sizes, min_group_size)
        selected = sum(n for p, n in sizes.items() if p in chosen)
        whole = sum(sizes.values())
        if (
            selection_too_small(int(selected), int(whole), min_group_size)
            or _reveals(int(sum(sizes[p] for p in hidden if p in chosen)), min_group_size)
            or _reveals(int(sum(sizes[p] for p in hidden if p not in chosen)), min_group_size)
        ):
            cells.add(cell)
    return cells


def selection_group_marks(
    keys: Sequence[tuple],
    sizes: Sequence[float],
    whole: Mapping[tuple, float],
    min_group_size: int,
) -> tuple[list[bool], list[bool]]:
    """Groups (roles) within a partner selection, each keyed (*CELL, group) with its
    respondents; `whole` holds the same groups' respondents over the whole partnership.
    A group is hidden when its members outside the selection number fewer than the
    minimum (but more than none); then secondary suppression within the selection's
    total. Whether each row is hidden, and whether only to protect another."""
    outside = [whole.get(key, 0) - people for key, people in zip(keys, sizes, strict=True)]
    too_few = [_reveals(o, min_group_size) for o in outside]
    counted = [0 if few else people for few, people in zip(too_few, sizes, strict=True)]
    hide, secondary = group_marks([key[: len(CELL)] for key in keys], counted, min_group_size)
    hide = [h or few for h, few in zip(hide, too_few, strict=True)]
    secondary = [s and not few for s, few in zip(secondary, too_few, strict=True)]
    return hide, secondary


# --- plain rows (dicts) ---------------------------------------------------------------


def _keys(row: Mapping, columns: Sequence[str]) -> tuple:
    return tuple(_label(row[c]) for c in columns)


def _mark_rows(
    rows: Sequence[dict], hide: Sequence[bool], secondary: Sequence[bool] | None = None
) -> list[dict]:
    """`rows` with `suppressed` (hidden now or before) and `secondary` set, and the
    HIDDEN values of hidden rows emptied (None)."""
    marked = []
    for at, row in enumerate(rows):
        shut = bool(hide[at]) or bool(row.get("suppressed", False))
        second = bool(secondary[at]) if secondary is not None else row.get("secondary", False)
        new = {**row, "suppressed": shut, "secondary": second}
        if shut:
            new.update({c: None for c in HIDDEN if c in new})
        marked.append(new)
    return marked


def _row_size(rows: Sequence[Mapping]) -> str:
    return _size_of(rows[0]) if rows else "n"


def suppress_rows(
    rows: Sequence[dict],
    min_group_size: int,
    group: str = "partner",
    within: tuple[str, ...] = CELL,
    size: str | None = None,
) -> list[dict]:
    """`suppress` on plain rows."""
    size = size or _row_size(rows)
    keys = [c for c in within if rows and c in rows[0]]
    cells = [_keys(row, keys) for row in rows]
    hide, secondary = group_marks(cells, [row[size] for row in rows], min_group_size)
    return _mark_rows(rows, hide, secondary)


def suppress_total_rows(rows: Sequence[dict], min_group_size: int) -> list[dict]:
    """`suppress_totals` on plain rows."""
    size = _row_size(rows)
    return _mark_rows(rows, total_marks((row[size] for row in rows), min_group_size))


def suppress_selection_rows(
    rows: Sequence[dict],
    partner_rows: Sequence[dict],
    partners: Sequence[str],
    min_group_size: int,
) -> list[dict]:
    """`suppress_selection` on plain rows (`partner_rows`: scores by partner over the
    whole partnership)."""
    rows = suppress_total_rows(rows, min_group_size)
    sizes = ((_keys(r, CELL), r["partner"], r["n"]) for r in partner_rows)
    cells = selection_cells(sizes, partners, min_group_size)
    return _mark_rows(rows, [_keys(row, CELL) in cells for row in rows])


def suppress_groups_of_selection_rows(
    rows: Sequence[dict], whole: Sequence[dict], group: str, min_group_size: int
) -> list[dict]:
    """`suppress_groups_of_selection` on plain rows."""
    keys = [*CELL, group]
    whole_size = _row_size(whole)
    totals = {_keys(row, keys): row[whole_size] for row in whole}
    size = _row_size(rows)
    hide, secondary = selection_group_marks(
        [_keys(row, keys) for row in rows], [row[size] for row in rows], totals, min_group_size
    )
    return _mark_rows(rows, hide, secondary)


# --- pandas tables --------------------------------------------------------------------


def _column_keys(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Each row's values of `columns` as a key (missing values None)."""
    values = [frame[c].tolist() for c in columns]
    return [tuple(_label(column[row]) for column in values) for row in range(len(frame))]


def blank(frame: pd.DataFrame, rows: pd.Series, columns: list[str] | None = None) -> pd.DataFrame:
    """`frame` with `columns` (default: the score columns present) emptied where `rows`
    is True; numeric columns stay numeric."""
    import numpy as np
    import pandas as pd

    frame = frame.copy()
    columns = [c for c in (columns or HIDDEN) if c in frame.columns]
    rows = np.asarray(rows, dtype=bool)
    for column in columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            frame[column] = values.astype(float).where(~rows, np.nan)
        else:
            frame[column] = values.astype(object).where(~rows, None)
    return frame


def _mark(frame: pd.DataFrame, hide: Sequence[bool], secondary: Sequence[bool] | None = None):
    """`frame` with `suppressed` (hidden now or before), `secondary` and the scores of
    hidden rows blanked (see `blank`)."""
    import numpy as np
    import pandas as pd

    frame = frame.copy()
    old = frame["suppressed"] if "suppressed" in frame.columns else False
    frame["suppressed"] = np.asarray(hide, dtype=bool) | np.asarray(old, dtype=bool)
    if secondary is not None:
        frame["secondary"] = np.asarray(secondary, dtype=bool)
    elif "secondary" not in frame.columns:
        frame["secondary"] = False
    for column in NUMERIC:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column])
    return blank(frame, frame["suppressed"])


def suppress(
    frame: pd.DataFrame,
    min_group_size: int,
    group: str = "partner",
    within: tuple[str, ...] = CELL,
    size: str | None = None,
) -> pd.DataFrame:
    """Blank the scores (HIDDEN columns present) of groups that are too small or that
    would give a small group away by differencing; mark them `suppressed` (True) and
    `secondary` (True when hidden only to protect another group). Groups are rows of
    one cell (`within`); a missing group label (no role given) is a group too."""
    size = size or size_column(frame)
    cells = _column_keys(frame, [c for c in within if c in frame.columns])
    hide, secondary = group_marks(cells, frame[size].tolist(), min_group_size)
    return _mark(frame, hide, secondary)


def suppress_totals(frame: pd.DataFrame, min_group_size: int) -> pd.DataFrame:
    """Blank the scores of totals (a whole partnership or a partner selection in one
    wave) with fewer than `min_group_size` respondents (primary suppression)."""
    return _mark(frame, total_marks(frame[size_column(frame)].tolist(), min_group_size))


def selection_hidden(
    partner_sizes: pd.DataFrame, partners: tuple[str, ...], min_group_size: int
) -> set[tuple]:
    """Cells (partnership, wave, factor) where the total of the partner selection must
    be hidden (see `selection_cells`). `partner_sizes` holds respondents per partner
    over the whole partnership (partnership, wave, factor, partner, n)."""
    cells = _column_keys(partner_sizes, CELL)
    sizes = zip(cells, partner_sizes["partner"].tolist(), partner_sizes["n"].tolist(), strict=True)
    return selection_cells(sizes, partners, min_group_size)


def suppress_selection(
    frame: pd.DataFrame,
    partner_sizes: pd.DataFrame,
    partners: tuple[str, ...],
    min_group_size: int,
) -> pd.DataFrame:
    """Blank a partner selection's totals (rows of `frame` by partnership, wave and
    factor) where `selection_hidden` says so, as well as those too small themselves."""
    frame = suppress_totals(frame, min_group_size)
    cells = selection_hidden(partner_sizes, partners, min_group_size)
    return _mark(frame, [key in cells for key in _column_keys(frame, CELL)])


def suppress_groups_of_selection(
    frame: pd.DataFrame, whole: pd.DataFrame, group: str, min_group_size: int
) -> pd.DataFrame:
    """Groups (roles) within a partner selection: each is also compared with the same
    group over the whole partnership (`whole`), so it is hidden when the group's
    members outside the selection number fewer than the minimum; then secondary
    suppression within the selection's total (see `selection_group_marks`)."""
    keys = [*CELL, group]
    totals = dict(zip(_column_keys(whole, keys), whole[size_column(whole)].tolist(), strict=True))
    hide, secondary = selection_group_marks(
        _column_keys(frame, keys), frame[size_column(frame)].tolist(), totals, min_group_size
    )
    return _mark(frame, hide, secondary)


def protect_change(
    card: pd.DataFrame,
    scores: pd.DataFrame,
    comparisons: dict[str, tuple[str, str]],
    key: str = "factor",
) -> pd.DataFrame:
    """Hide each comparison of the scorecard `card` that uses a hidden score.

    `scores` holds the (already suppressed) scores of every wave compared, with
    `suppressed`; `comparisons` maps a label to (column holding the compared wave,
    column prefix of the change), e.g. {"previous": ("previous_wave", "change")}.
    Where the current wave's or the compared wave's score is hidden, every column of
    the comparison (`{label}_*` except its wave and respondent count, `{prefix}*`) is
    emptied and the verdict reads HIDDEN_TEXT."""
    import pandas as pd

    shut = scores[scores["suppressed"].astype(bool)]
    hidden = set(zip(shut["wave"], shut[key], strict=True))
    now = card["suppressed"].astype(bool) if "suppressed" in card else False
    others = {p for _, p in comparisons.values()}
    for label, (wave_column, prefix) in comparisons.items():
        if wave_column not in card:
            continue
        then = pd.Series(
            [(w, k) in hidden for w, k in zip(card[wave_column], card[key], strict=True)],
            index=card.index,
        )
        rows = (then | now) & card[wave_column].notna()
        longer = [o for o in others if o != prefix and o.startswith(prefix)]
        columns = [
            c
            for c in card.columns
            if (c.startswith(f"{label}_") and c not in (wave_column, f"{label}_n"))
            or (c.startswith(prefix) and not any(c.startswith(o) for o in longer))
        ]
        card = blank(card, rows, columns)
        verdict = f"{prefix}_verdict"
        if verdict in card:
            card[verdict] = card[verdict].astype(object).where(~rows.to_numpy(), HIDDEN_TEXT)
    return card


def visible_comments(
    db: Database,
    partnership: str | None,
    by: str = "partner",
    wave: str | None = None,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    """Comments of one partnership (and wave), leaving out groups (partners or roles)
    in which fewer than `min_group_size` respondents commented (default: the configured
    `comment_min_group_size`)."""
    threshold = configured(db)[1] if min_group_size is None else min_group_size
    return responses.visible_comments(db, partnership, max(int(threshold), 1), by, wave)
