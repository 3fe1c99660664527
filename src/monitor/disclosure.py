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

import numpy as np
import pandas as pd

from monitor.store import Database, config, responses

HIDDEN = ["mean", "sd", "ci_low", "ci_high", "band", "band_label"]
NUMERIC = ("mean", "sd", "ci_low", "ci_high")
NO_MINIMUM = 1  # every group has at least one respondent: nothing is hidden
HIDDEN_TEXT = "hidden (small group)"  # the verdict of a change that is not shown
CELL = ("partnership", "wave", "factor")


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


def size_column(frame: pd.DataFrame) -> str:
    """The column counting people: `respondents` (agency weighting, where `n` counts
    partners) or `n`."""
    return "respondents" if "respondents" in frame.columns else "n"


def hidden_groups(sizes: pd.Series, min_group_size: int) -> set:
    """Labels of the groups (index of `sizes`: respondents per group within one total)
    that must be hidden: primary plus secondary suppression."""
    hidden = set(sizes.index[(sizes > 0) & (sizes < min_group_size)])
    if not hidden:
        return hidden
    visible = sizes.drop(index=list(hidden)).sort_values(kind="stable")
    while len(visible) and sizes[list(hidden)].sum() < min_group_size:
        smallest = visible.index[0]
        hidden.add(smallest)
        visible = visible.drop(index=smallest)
    return hidden


def blank(frame: pd.DataFrame, rows: pd.Series, columns: list[str] | None = None) -> pd.DataFrame:
    """`frame` with `columns` (default: the score columns present) emptied where `rows`
    is True; numeric columns stay numeric."""
    frame = frame.copy()
    columns = [c for c in (columns or HIDDEN) if c in frame.columns]
    rows = rows.to_numpy(dtype=bool)
    for column in columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            frame[column] = values.astype(float).where(~rows, np.nan)
        else:
            frame[column] = values.astype(object).where(~rows, None)
    return frame


def _mark(frame: pd.DataFrame, hide: pd.Series, secondary: pd.Series | None = None):
    frame = frame.copy()
    old = frame["suppressed"] if "suppressed" in frame.columns else False
    frame["suppressed"] = hide.to_numpy(dtype=bool) | np.asarray(old, dtype=bool)
    if secondary is not None:
        frame["secondary"] = secondary.to_numpy(dtype=bool)
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
    hide = pd.Series(False, index=frame.index)
    keys = [c for c in within if c in frame.columns]
    cells = frame.groupby(keys, sort=False, dropna=False) if keys else [(None, frame)]
    for _, cell in cells:
        for row in hidden_groups(cell[size], min_group_size):
            hide[row] = True
    secondary = hide & (frame[size] >= min_group_size)
    return _mark(frame, hide, secondary)


def suppress_totals(frame: pd.DataFrame, min_group_size: int) -> pd.DataFrame:
    """Blank the scores of totals (a whole partnership or a partner selection in one
    wave) with fewer than `min_group_size` respondents (primary suppression)."""
    size = size_column(frame)
    return _mark(frame, frame[size] < min_group_size)


def selection_too_small(selected: int, total: int, min_group_size: int) -> bool:
    """Whether a partner selection must not be scored: it has fewer respondents than the
    minimum, or what it leaves out (total minus selection) does, so that comparing it
    with the whole partnership would reveal a small group."""
    left_out = total - selected
    return selected < min_group_size or 0 < left_out < min_group_size


def _reveals(people: int, min_group_size: int) -> bool:
    return 0 < people < min_group_size


def selection_hidden(
    partner_sizes: pd.DataFrame, partners: tuple[str, ...], min_group_size: int
) -> set[tuple]:
    """Cells (partnership, wave, factor) where the total of the partner selection must
    be hidden. `partner_sizes` holds respondents per partner over the whole partnership
    (partnership, wave, factor, partner, n).

    The selection total can be subtracted from the partnership total, and the visible
    partner scores from both, so it is hidden when the selection, what it leaves out,
    its own hidden partners or the hidden partners outside it number fewer than the
    minimum (but more than none)."""
    cells = set()
    for key, cell in partner_sizes.groupby(list(CELL), sort=False):
        sizes = cell.set_index("partner")["n"]
        hidden = hidden_groups(sizes, min_group_size)
        chosen = sizes.index.isin(list(partners))
        is_hidden = sizes.index.isin(list(hidden))
        selected, whole = int(sizes[chosen].sum()), int(sizes.sum())
        if (
            selection_too_small(selected, whole, min_group_size)
            or _reveals(int(sizes[chosen & is_hidden].sum()), min_group_size)
            or _reveals(int(sizes[~chosen & is_hidden].sum()), min_group_size)
        ):
            cells.add(key)
    return cells


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
    keys = list(zip(*(frame[c] for c in CELL), strict=True))
    return _mark(frame, pd.Series([k in cells for k in keys], index=frame.index))


def suppress_groups_of_selection(
    frame: pd.DataFrame, whole: pd.DataFrame, group: str, min_group_size: int
) -> pd.DataFrame:
    """Groups (roles) within a partner selection: each is also compared with the same
    group over the whole partnership (`whole`), so it is hidden when the group's
    members outside the selection number fewer than the minimum; then secondary
    suppression within the selection's total."""
    size = size_column(frame)
    keys = [*CELL, group]
    totals = whole.set_index(keys)[size_column(whole)]
    index = pd.MultiIndex.from_frame(frame[keys])
    outside = totals.reindex(index).fillna(0).to_numpy() - frame[size].to_numpy()
    sizes = frame[size].where(~((outside > 0) & (outside < min_group_size)), 0)
    marked = suppress(frame.assign(_size=sizes), min_group_size, group=group, size="_size")
    too_few_outside = (outside > 0) & (outside < min_group_size)
    marked["secondary"] = marked["secondary"] & ~too_few_outside
    marked = _mark(marked, pd.Series(too_few_outside, index=frame.index))
    return marked.drop(columns="_size")


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
