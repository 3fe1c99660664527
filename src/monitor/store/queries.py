"""Named queries on the monitor's database. The rest of the library calls these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa

from monitor.errors import ConflictError, DuplicateUploadError, NotFoundError
from monitor.instrument import Instrument
from monitor.store.database import Database, quote_identifier, sql_statements, sql_text
from monitor.store.writer import DATA_TABLES, ROW_TABLES, Writer, upload_rows

GROUPINGS = {None: None, "partner": "partner", "role": "role"}


@dataclass(frozen=True)
class UploadRecord:
    file_name: str
    sha256: str
    partnership: str
    waves: list[str]
    n_rows: int
    uploaded_by: str | None = None
    kind: str = "survey"


def find_upload_by_sha(db: Database, sha256: str) -> dict | None:
    rows = db.query_df(
        "SELECT upload_id, file_name, uploaded_at FROM uploads WHERE sha256 = $sha",
        {"sha": sha256},
    )
    return rows.iloc[0].to_dict() if len(rows) else None


def insert_survey(
    db: Database, record: UploadRecord, staged: pa.Table, comments: pa.Table | None = None
) -> int:
    """Store an upload record, its answers and its free-text comments in one transaction;
    returns the upload id."""
    with db.write() as w:
        upload_id = _insert_upload(db, w, record, staged.num_rows)
        _refuse_answered(db, staged)
        w.insert_rows("answers", upload_rows("answers", staged, upload_id))
        if comments is not None and comments.num_rows:
            w.insert_rows("comments", upload_rows("comments", comments, upload_id))
        details = f"{record.partnership}: {', '.join(record.waves)}, {record.n_rows} rows"
        record_audit(w, "upload", record.uploaded_by, upload_id, record.file_name, details)
    return upload_id


def _insert_upload(db: Database, w: Writer, record: UploadRecord, n_stored: int) -> int:
    """Give the upload its id and write its record, inside the caller's transaction.

    The same file may have been stored since it was checked (by another session or app
    replica); writes are serialised, so checking again here is reliable."""
    earlier = find_upload_by_sha(db, record.sha256)
    if earlier is not None:
        raise DuplicateUploadError.of(record.file_name, earlier)
    upload_id = int(w.execute("SELECT nextval('upload_id_seq')")[0][0])
    params = {
        "upload_id": upload_id,
        "kind": record.kind,
        "file_name": record.file_name,
        "sha256": record.sha256,
        "uploaded_at": datetime.now().replace(microsecond=0),
        "uploaded_by": record.uploaded_by,
        "partnership": record.partnership,
        "waves": record.waves,
        "n_rows": record.n_rows,
        "n_answers": n_stored,
    }
    w.execute(sql_text("insert_upload.sql"), params)
    return upload_id


def _refuse_answered(db: Database, staged: pa.Table) -> None:
    """Refuse answers of respondents stored for the same wave since the file was checked."""
    rows = db.query_rows(sql_text("answered_since.sql"), relations={"staged": staged})
    if rows:
        found = ", ".join(f"{r[0]} ({r[1]})" for r in rows)
        raise ConflictError(
            f"While this file was being checked, another upload stored answers of the same "
            f"respondents in the same wave: {found}. Nothing was stored. Check the file "
            "again to see every clash."
        )


def record_audit(
    w: Writer, action: str, who: str | None, upload_id: int, file_name: str, details: str
) -> None:
    """Add a line to the audit list, inside the caller's transaction."""
    params = {
        "at": datetime.now().replace(microsecond=0),
        "who": who,
        "action": action,
        "upload_id": upload_id,
        "file_name": file_name,
        "details": details,
    }
    w.execute(sql_statements("audit.sql")["insert"], params)


def audit_list(db: Database, limit: int = 200) -> pd.DataFrame:
    """The latest uploads and removals, newest first: happened_at, who, action, upload_id,
    file_name, details."""
    return db.query_df(sql_statements("audit.sql")["list"], {"limit": limit})


def list_uploads(db: Database) -> pd.DataFrame:
    return db.query_df(sql_text("list_uploads.sql"))


def remove_upload(db: Database, upload_id: int, removed_by: str | None = None) -> dict:
    """Delete one upload and everything it stored (noted in the audit list with
    `removed_by`); returns the removed record."""
    with db.write() as w:
        rows = w.execute(
            "SELECT upload_id, file_name, partnership, n_rows FROM uploads WHERE upload_id = $id",
            {"id": upload_id},
        )
        if not rows:
            raise NotFoundError(
                f"There is no upload #{upload_id}. List uploads to see their numbers."
            )
        for table in ROW_TABLES:
            w.execute(f"DELETE FROM {table} WHERE upload_id = $id", {"id": upload_id})
        w.execute("DELETE FROM uploads WHERE upload_id = $id", {"id": upload_id})
        row = rows[0]
        details = f"{row[2]}: {row[3]} rows removed"
        record_audit(w, "remove", removed_by, upload_id, row[1], details)
    return dict(zip(("upload_id", "file_name", "partnership", "n_rows"), row, strict=True))


def partnerships(db: Database) -> list[str]:
    rows = db.query_rows("SELECT DISTINCT partnership FROM answers ORDER BY partnership")
    return [r[0] for r in rows]


def waves(db: Database, partnership: str | None = None) -> pd.DataFrame:
    """Waves with data in time order: partnership, wave, wave_start."""
    return db.query_df(sql_text("waves.sql"), {"partnership": partnership})


def wave_starts(db: Database, partnerships_: list[str]) -> dict[tuple[str, str], object]:
    """Start date of each stored wave label, keyed by (partnership, wave)."""
    frame = db.query_df(
        "SELECT partnership, wave, min(wave_start) AS wave_start FROM answers "
        "WHERE list_contains($p, partnership) GROUP BY ALL",
        {"p": partnerships_},
    )
    return {(r.partnership, r.wave): r.wave_start for r in frame.itertuples()}


def existing_respondents(db: Database, partnerships_: list[str], waves_: list[str]) -> pd.DataFrame:
    frame = db.query_df(
        sql_text("existing_respondents.sql"), {"partnerships": partnerships_, "waves": waves_}
    )
    return frame.astype(
        {"partnership": "str", "wave": "str", "respondent_id": "str", "upload_id": "int64"}
    )


def table_counts(db: Database) -> dict[str, int]:
    """Rows in each table of stored data."""
    counts = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM {quote_identifier(table)}" for table in DATA_TABLES
    )
    return dict(db.query_rows(counts))


def count_answers(db: Database) -> int:
    return db.query_rows("SELECT count(*) FROM answers")[0][0]


@cache
def t_critical(max_df: int = 10_000) -> pd.DataFrame:
    """Two-sided 95% critical values of Student's t for df = 1..max_df."""
    from monitor.statistics import t_quantile

    df = np.arange(1, max_df + 1)
    return pd.DataFrame({"df": df, "t": t_quantile(0.975, df)})


def _scores_sql(by: str | None) -> str:
    column = GROUPINGS[by]
    group = f"{column}, " if column else ""
    sql = sql_text("respondent_scores.sql") + sql_text("group_scores.sql")
    return sql.format(
        group_column=column or "group",
        group_select=group,
        group_output=f"g.{group}" if column else "",
        group_order=f"g.{group}" if column else "",
    )


@dataclass(frozen=True)
class ScoreFilter:
    """Which answers to score; None means no restriction."""

    partnership: str | None = None
    partners: tuple[str, ...] | None = None
    wave_from: date | None = None
    wave_to: date | None = None

    def params_without_scale(self) -> dict:
        return {
            "partnership": self.partnership,
            "partners": list(self.partners) if self.partners else None,
            "wave_from": self.wave_from,
            "wave_to": self.wave_to,
        }

    def params(self, instrument: Instrument) -> dict:
        scale_sum = instrument.scale_min + instrument.scale_max
        return {"scale_sum": scale_sum, **self.params_without_scale()}


def group_scores(
    db: Database, instrument: Instrument, by: str | None = None, where: ScoreFilter | None = None
) -> pd.DataFrame:
    """Factor scores per partnership and wave (and partner or role when `by` says so)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(k for k in GROUPINGS if k)} or None")
    return db.query_df(
        _scores_sql(by),
        (where or ScoreFilter()).params(instrument),
        instrument_items=instrument.items_frame(),
        t_critical=t_critical(),
    )


def respondent_scores(
    db: Database, instrument: Instrument, where: ScoreFilter | None = None
) -> pd.DataFrame:
    """One row per respondent, wave and factor with the respondent's factor score."""
    sql = sql_text("respondent_scores.sql") + (
        "SELECT * EXCLUDE (factor_pos) FROM respondent_scores "
        "ORDER BY partnership, wave_start, respondent_id, factor_pos"
    )
    return db.query_df(
        sql, (where or ScoreFilter()).params(instrument), instrument_items=instrument.items_frame()
    )


def partners(db: Database, partnership: str | None = None) -> list[str]:
    """Partners with answers (in one partnership, or any)."""
    rows = db.query_rows(
        "SELECT DISTINCT partner FROM answers "
        "WHERE $partnership IS NULL OR partnership = $partnership ORDER BY partner",
        {"partnership": partnership},
    )
    return [r[0] for r in rows]


def respondents_by_partner(
    db: Database, partnership: str | None, wave: str | None, partners_: tuple[str, ...] | None
) -> pd.DataFrame:
    """Respondents per partner in one wave (only `partners_` when given)."""
    return db.query_df(
        sql_text("respondents_by_partner.sql"),
        {
            "partnership": partnership,
            "wave": wave,
            "partners": list(partners_) if partners_ else None,
        },
    )


def answers_wide(
    db: Database, instrument: Instrument, where: ScoreFilter, limit: int | None = None
) -> pd.DataFrame:
    """The stored answers as one row per respondent and wave, one column per item
    (the first `limit` rows only, when given)."""
    params = {**where.params_without_scale(), "limit": limit}
    columns = []
    for pos, item_id in enumerate(instrument.item_ids):
        params[f"item_{pos}"] = item_id
        columns.append(
            f"any_value(value) FILTER (WHERE item_id = $item_{pos}) AS {quote_identifier(item_id)}"
        )
    sql = sql_text("answers_wide.sql").format(item_columns=",\n       ".join(columns))
    return db.query_df(sql, params)


def count_responses(db: Database, where: ScoreFilter) -> int:
    """Respondent-wave rows that `answers_wide` would return without a limit."""
    params = where.params_without_scale()
    return db.query_rows(sql_text("count_responses.sql"), params)[0][0]


# --- activity records and outcome counts -----------------------------------------------

# Tables of the other upload kinds.
RECORD_TABLES = ("activity", "outcomes")


def insert_records(db: Database, record: UploadRecord, staged: pa.Table) -> int:
    """Store an activity or outcomes upload (record.kind) in one transaction; its id."""
    if record.kind not in RECORD_TABLES:
        raise ValueError(f"kind must be one of {RECORD_TABLES}")
    with db.write() as w:
        upload_id = _insert_upload(db, w, record, staged.num_rows)
        w.insert_rows(record.kind, upload_rows(record.kind, staged, upload_id))
        details = f"{record.partnership}: {record.kind}, {record.n_rows} rows"
        record_audit(w, "upload", record.uploaded_by, upload_id, record.file_name, details)
    return upload_id


def activity_records(db: Database, partnership: str | None = None) -> pd.DataFrame:
    """Stored activity rows of one partnership (or all), in date order."""
    return db.query_df(sql_text("activity_records.sql"), {"partnership": partnership})


def outcome_counts(db: Database, partnership: str | None = None) -> pd.DataFrame:
    """Outcome counts per partnership, month and category."""
    return db.query_df(sql_text("outcome_counts.sql"), {"partnership": partnership})


def respondent_waves(db: Database, partnership: str | None = None) -> pd.DataFrame:
    """Which respondent ids answered in which wave."""
    return db.query_df(sql_text("respondent_waves.sql"), {"partnership": partnership})


def record_partnerships(db: Database) -> list[str]:
    """Partnerships with survey answers, activity records or outcome counts."""
    rows = db.query_rows(
        "SELECT partnership FROM answers UNION SELECT partnership FROM activity "
        "UNION SELECT partnership FROM outcomes ORDER BY partnership"
    )
    return [r[0] for r in rows]


# --- monitoring analytics: weighting, reliability, item quality, power, settings -------

WEIGHTINGS = ("person", "agency")


def weighted_group_scores(
    db: Database,
    instrument: Instrument,
    by: str | None = None,
    where: ScoreFilter | None = None,
    weighting: str = "person",
) -> pd.DataFrame:
    """`group_scores` with a weighting: 'person' (one person, one vote) or 'agency'
    (each partner's mean counts once; n is then the number of partners)."""
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}")
    if weighting == "person":
        return group_scores(db, instrument, by=by, where=where)
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(k for k in GROUPINGS if k)} or None")
    column = GROUPINGS[by]
    group = f"{column}, " if column else ""
    sql = (sql_text("respondent_scores.sql") + sql_text("agency_scores.sql")).format(
        group_select=group,
        group_output=f"g.{group}" if column else "",
        group_order=f"g.{group}" if column else "",
    )
    return db.query_df(
        sql,
        (where or ScoreFilter()).params(instrument),
        instrument_items=instrument.items_frame(),
        t_critical=t_critical(),
    )


def reliability(db: Database, instrument: Instrument, where: ScoreFilter | None = None):
    """Cronbach's alpha per partnership, wave and factor (complete answers only)."""
    return db.query_df(
        sql_text("reliability.sql"),
        (where or ScoreFilter()).params(instrument),
        instrument_items=instrument.items_frame(),
    )


def item_quality(db: Database, instrument: Instrument, where: ScoreFilter | None = None):
    """Per item and wave: respondents, answers given and the missing rate."""
    return db.query_df(
        sql_text("item_quality.sql"),
        (where or ScoreFilter()).params_without_scale(),
        instrument_items=instrument.items_frame(),
    )


def power_index(
    db: Database,
    instrument: Instrument,
    where: ScoreFilter | None,
    min_group_size: int,
    excluded: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Spread of partner means per partnership, wave and factor (range, sd, Gini);
    partners in `excluded` (partnership, wave, factor, partner) are left out."""
    if excluded is None:
        excluded = pd.DataFrame(
            {c: pd.Series(dtype="str") for c in ("partnership", "wave", "factor", "partner")}
        )
    sql = sql_text("respondent_scores.sql") + sql_text("power_index.sql")
    params = {**(where or ScoreFilter()).params(instrument), "min_group_size": min_group_size}
    return db.query_df(sql, params, instrument_items=instrument.items_frame(), excluded=excluded)


def stored_settings(db: Database) -> dict[str, str]:
    """Settings saved from the dashboard (name -> text value)."""
    return dict(db.query_rows("SELECT name, value FROM settings ORDER BY name"))


def save_settings(db: Database, values: dict[str, object], who: str | None = None) -> None:
    """Store settings (None removes a stored value, falling back to the file/defaults)."""
    with db.write() as w:
        for name, value in values.items():
            w.execute("DELETE FROM settings WHERE name = $name", {"name": name})
            if value is not None:
                w.execute(
                    "INSERT INTO settings (name, value, changed_at, changed_by) "
                    "VALUES ($name, $value, $at, $who)",
                    {
                        "name": name,
                        "value": str(value),
                        "at": datetime.now().replace(microsecond=0),
                        "who": who,
                    },
                )


# --- column mappings and free-text comments (platform exports) ----------------------------


def save_mapping(db: Database, name: str, mapping_json: str, who: str | None = None) -> None:
    """Save (or replace) a confirmed column mapping under `name`."""
    with db.write() as w:
        w.execute("DELETE FROM column_mappings WHERE name = $name", {"name": name})
        w.execute(
            "INSERT INTO column_mappings (name, mapping, saved_at, saved_by) "
            "VALUES ($name, $mapping, $at, $who)",
            {
                "name": name,
                "mapping": mapping_json,
                "at": datetime.now().replace(microsecond=0),
                "who": who,
            },
        )


def load_mapping(db: Database, name: str) -> str | None:
    """The JSON of the mapping saved under `name`, or None."""
    rows = db.query_rows("SELECT mapping FROM column_mappings WHERE name = $name", {"name": name})
    return rows[0][0] if rows else None


def mapping_names(db: Database) -> list[str]:
    return [r[0] for r in db.query_rows("SELECT name FROM column_mappings ORDER BY name")]


def visible_comments(
    db: Database,
    partnership: str | None,
    min_group_size: int,
    by: str = "partner",
    wave: str | None = None,
) -> pd.DataFrame:
    """Comments of stored uploads (of one wave, if given), leaving out groups below
    `min_group_size` respondents."""
    params = {"partnership": partnership, "by": by, "min_n": min_group_size, "wave": wave}
    return db.query_df(sql_text("comments.sql"), params)
