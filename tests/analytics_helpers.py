"""Independent computations (plain pandas/numpy) of the analytics, from the raw answers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from scipy import stats

from monitor.instrument import Instrument


def raw_answers(db) -> pd.DataFrame:
    return db.query_df("SELECT * FROM answers")


def respondent_scores(answers: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Per respondent, wave and factor: mean of answered items (reverse flipped), kept only
    when at least half the factor's items were answered."""
    items = instrument.items_frame().set_index("item_id")
    frame = answers.join(items[["factor", "reverse"]], on="item_id", how="inner")
    flip = instrument.scale_min + instrument.scale_max
    frame["value"] = frame["value"].where(~frame["reverse"], flip - frame["value"])
    size = items.groupby("factor").size()
    grouped = frame.groupby(["partnership", "wave", "respondent_id", "partner", "factor"])["value"]
    out = grouped.agg(["mean", "count"]).reset_index()
    out = out[2 * out["count"] >= out["factor"].map(size)]
    return out.rename(columns={"mean": "score"})


def flipped_wide(
    answers: pd.DataFrame, instrument: Instrument, partnership: str, wave: str, factor: str
):
    """Respondents x items of one factor in one wave, reverse items flipped (NaN missing)."""
    items = instrument.items_frame().set_index("item_id")
    chosen = (answers["wave"] == wave) & (answers["partnership"] == partnership)
    part = answers[chosen].join(items[["factor", "reverse"]], on="item_id")
    part = part[part["factor"] == factor].copy()
    flip = instrument.scale_min + instrument.scale_max
    part["value"] = part["value"].where(~part["reverse"].astype(bool), flip - part["value"])
    return part.pivot_table(
        index="respondent_id", columns="item_id", values="value", aggfunc="first", dropna=False
    )


def partover(x1, x2, x3, x4, equal_var=False, level=0.95):
    """A direct numpy transcription of the published statistic (sample 1 minus sample 2,
    as Partover.test reports it): (t, df, p, low, high)."""
    x1, x2, x3, x4 = (np.asarray(v, dtype=float) for v in (x1, x2, x3, x4))
    s1, s2 = np.concatenate([x1, x3]), np.concatenate([x2, x4])
    n1, n2, nc, na, nb = len(s1), len(s2), len(x3), len(x1), len(x2)
    r = np.corrcoef(x3, x4)[0, 1] if nc >= 3 and x3.std() > 0 and x4.std() > 0 else 0.0
    diff = s1.mean() - s2.mean()
    if equal_var:
        sp2 = ((n1 - 1) * s1.var(ddof=1) + (n2 - 1) * s2.var(ddof=1)) / (n1 + n2 - 2)
        se = np.sqrt(sp2 * (1 / n1 + 1 / n2 - 2 * r * nc / (n1 * n2)))
        df = (nc - 1) + (na + nb + nc - 1) / (na + nb + 2 * nc) * (na + nb)
    else:
        v1, v2 = s1.var(ddof=1) / n1, s2.var(ddof=1) / n2
        se = np.sqrt(v1 + v2 - 2 * r * s1.std(ddof=1) * s2.std(ddof=1) * nc / (n1 * n2))
        gamma = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        df = (nc - 1) + (gamma - nc + 1) / (na + nb + 2 * nc) * (na + nb)
    with np.errstate(divide="ignore", invalid="ignore"):  # no spread: t is not a number
        t = diff / se
    half = stats.t.ppf(1 - (1 - level) / 2, df) * se
    return t, df, 2 * stats.t.sf(abs(t), df), diff - half, diff + half


def sample_file_rows(path: Path) -> list[dict]:
    """The rows of a survey file as written (xlsx first sheet, or csv with either
    delimiter, with or without a byte-order mark), keyed by the header."""
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    else:
        text = path.read_text(encoding="utf-8-sig")
        delimiter = ";" if ";" in text.splitlines()[0] else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def file_answers(path: Path, instrument: Instrument) -> pd.DataFrame:
    """One row per respondent of a survey file, straight from the file: respondent_id,
    partner and a column per item (labels read as their scale value, reverse items
    flipped, NaN where missing)."""
    codes = {label: value for value, label in instrument.labels.items()}
    flip = instrument.scale_min + instrument.scale_max
    out = []
    for row in sample_file_rows(path):
        answers = {"respondent_id": row["respondent_id"], "partner": row["partner"]}
        for item in instrument.items:
            raw = row[item.id]
            value = codes.get(raw) if isinstance(raw, str) and not raw.isdigit() else raw
            value = float("nan") if value in (None, "") else int(value)
            answers[item.id] = flip - value if item.reverse else value
        out.append(answers)
    return pd.DataFrame(out)


def file_scores(path: Path, instrument: Instrument) -> pd.DataFrame:
    """Per respondent and factor of one survey file: the mean of the answered items, kept
    when at least half the factor's items were answered. Columns respondent_id, partner,
    factor, score."""
    answers = file_answers(path, instrument)
    parts = []
    for factor in instrument.factors:
        items = answers[[item.id for item in factor.items]]
        enough = 2 * items.notna().sum(axis=1) >= len(factor.items)
        part = answers.loc[enough, ["respondent_id", "partner"]].copy()
        part["factor"] = factor.key
        part["score"] = items[enough].mean(axis=1)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
