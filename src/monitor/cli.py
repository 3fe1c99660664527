"""Command line: `python -m monitor COMMAND ...`.

The command line is a local administrator's tool: it has every role (see monitor.access)
and its writes are recorded as `cli:<operating-system user>`.

Exit codes: 0 success, 2 rejected input (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.errors import (
    DatabaseOpenError,
    DatabaseUnreachableError,
    MonitorError,
    NotADatabaseError,
    NotFoundError,
    StoreBusyError,
    UnconfirmedMappingError,
    ValidationError,
)
from monitor.ingest.kinds import KINDS
from monitor.plain_output import csv_text, json_records, text_table

if TYPE_CHECKING:
    import pandas as pd

# Each command imports what it needs when it runs, so that `--help`, `scores` and
# `uploads` start without loading the chart, report, Excel and import modules, nor
# pandas and numpy: they print plain rows (see monitor.plain_output).

EXIT_OK, EXIT_REJECTED = 0, 2


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="database file or postgresql:// URL (default: $MONITOR_DB, else data/monitor.duckdb)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m monitor", description="Partnership Monitor: survey store and scores."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    imp = sub.add_parser("import", help="import survey files (xlsx, xls, csv)")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--wave", help="the wave, for files without a wave column (e.g. 2025-Q1)")
    imp.add_argument("--partnership", help="the partnership, for files without that column")
    imp.add_argument(
        "--mapping",
        metavar="NAME",
        help="column mapping of a survey platform export: use the one saved as NAME, or "
        "accept the proposed one and save it as NAME",
    )
    imp.add_argument(
        "--kind",
        choices=["survey", *KINDS],
        default="survey",
        help="what the files hold: survey answers (default), activity records or outcome counts",
    )
    _db_arg(imp)

    sc = sub.add_parser("scores", help="factor scores by wave")
    sc.add_argument("--by", choices=["partner", "role"], help="also group by partner or role")
    sc.add_argument("--partnership", help="only this partnership")
    sc.add_argument("--wave", help="only this wave (default: every wave)")
    _selection_args(sc, partnership=False, wave=False, weighting=True)
    _table_args(sc)

    up = sub.add_parser("uploads", help="list past uploads")
    _db_arg(up)

    rm = sub.add_parser("remove", help="remove one upload and all it stored")
    rm.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    _db_arg(rm)

    demo = sub.add_parser("demo", help="load the built-in sample data")
    _db_arg(demo)

    tpl = sub.add_parser("template", help="write the Excel template to fill in")
    tpl.add_argument("out", type=Path, metavar="OUT.xlsx")
    tpl.add_argument(
        "--kind",
        choices=["survey", *KINDS],
        default="survey",
        help="which template to write",
    )
    tpl.add_argument(
        "--partnership",
        help="a survey template for this partnership: its name on every row, its agencies "
        "in the partner drop-down, the next wave filled in",
    )
    _db_arg(tpl)
    rep = sub.add_parser(
        "report", help="the board report (PDF) of a partnership and wave; scores as Excel"
    )
    rep.add_argument("--partnership", help="the partnership (default: the only one stored)")
    rep.add_argument("--wave", help="the wave (default: the latest)")
    rep.add_argument("--out", type=Path, default=Path("report.pdf"), help="PDF file to write")
    rep.add_argument("--scores-xlsx", type=Path, help="also write the scores to this Excel file")
    _db_arg(rep)

    mig = sub.add_parser("migrate", help="bring the database's schema up to date")
    _db_arg(mig)

    cp = sub.add_parser(
        "copy", help="copy every record into another, empty store (DuckDB file or PostgreSQL)"
    )
    cp.add_argument("--from", dest="source", required=True, metavar="A", help="file or URL")
    cp.add_argument("--to", dest="target", required=True, metavar="B", help="file or URL")

    inv = sub.add_parser(
        "invited",
        help="record how many people of each agency were invited to answer (from a CSV file)",
        description="Record the people invited per agency and wave from a CSV file with the "
        "columns partner, invited and wave (or give --wave). The file's counts replace those "
        "stored for the waves it names; a blank count removes one. Nothing is stored when "
        "any count is wrong.",
    )
    inv.add_argument("file", type=Path, metavar="FILE.csv")
    inv.add_argument("--partnership", help="the partnership (default: the only one)")
    inv.add_argument("--wave", help="the wave of every row (for a file without a wave column)")
    _db_arg(inv)

    hp = sub.add_parser(
        "hash-password", help="hash a password for the evaluator/admin login (secrets or env)"
    )
    hp.add_argument("--stdin", action="store_true", help="read the password from stdin")

    for name, spec in TABLES.items():
        table = sub.add_parser(name, help=spec.help, description=spec.help)
        spec.add_args(table)
        _table_args(table)
    return parser


def _selection_args(
    parser: argparse.ArgumentParser,
    *,
    partnership: bool = True,
    wave: bool = True,
    wave_from: bool = False,
    weighting: bool = False,
) -> None:
    """The pages' filters: partnership, wave (range), partner selection, weighting."""
    if partnership:
        parser.add_argument("--partnership", help="the partnership (default: the only one)")
    if wave:
        last = "the last wave shown" if wave_from else "the wave"
        parser.add_argument("--wave", help=f"{last} (default: the latest)")
    if wave_from:
        parser.add_argument("--from", dest="wave_from", help="the first wave (default: the first)")
    parser.add_argument(
        "--partner",
        dest="partners",
        action="append",
        metavar="NAME",
        help="only these partner agencies (repeat for several), as the pages' partner filter",
    )
    if weighting:
        parser.add_argument(
            "--weighting",
            choices=["person", "agency"],
            default="person",
            help="person: one person, one vote (default); agency: one agency, one vote",
        )


def _table_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=["table", "json", "csv"],
        default="table",
        help="table (rounded, for reading) or json/csv (full precision)",
    )
    parser.add_argument(
        "--show-small-groups",
        action="store_true",
        help="also show scores of groups below the minimum group size (administrators "
        "only: such numbers may identify people; the output says so)",
    )
    _db_arg(parser)


def _cmd_import(args: argparse.Namespace) -> int:
    from monitor import access
    from monitor.ingest import import_survey
    from monitor.settings import load_settings
    from monitor.store import open_database

    db = open_database(args.db)
    actor = access.cli_actor()
    access.require(actor, access.UPLOAD)
    status = EXIT_OK

    for path in args.files:
        try:
            with path.open("rb") as handle:
                max_bytes = load_settings().max_upload_mb * 1_000_000
                if args.kind != "survey":
                    from monitor.ingest.records import import_records  # pandas: not for surveys

                    result = import_records(
                        db,
                        handle,
                        path.name,
                        args.kind,
                        partnership=args.partnership,
                        max_bytes=max_bytes,
                        uploaded_by=actor.signature(),
                    )
                else:
                    result = import_survey(
                        db,
                        handle,
                        path.name,
                        wave=args.wave,
                        partnership=args.partnership,
                        mapping_name=args.mapping,
                        max_bytes=max_bytes,
                        uploaded_by=actor.signature(),
                    )
        except OSError as exc:
            print(f"{path}: cannot open the file ({exc.strerror}).", file=sys.stderr)
            status = EXIT_REJECTED
            continue
        except MonitorError as exc:
            print(explain(exc), file=sys.stderr)
            status = EXIT_REJECTED
            continue
        print(result.summary())
        for warning in result.warnings:
            print(f"  note: {warning}")
    return status


def _json_records(frame: pd.DataFrame) -> list[dict]:
    return json_records(frame.astype(object).to_dict(orient="records"))


def _repeated(columns: Sequence[str]) -> set[str]:
    """The columns a table leaves out as repeating another (dates, names beside keys)."""
    hides = {"wave_start", "band_label", "secondary"}
    if "factor" in columns:
        hides.add("factor_name")
    return hides


def _print_table(frame: pd.DataFrame) -> None:
    """Rounded, without the columns that repeat another (dates, names beside keys)."""
    hides = _repeated(list(frame.columns))
    shown = frame.drop(columns=[c for c in frame.columns if c in hides])
    for column in shown.columns:  # whole numbers that may be missing (Int64)
        if str(shown[column].dtype) == "Int64":
            text = shown[column].astype(str)
            shown[column] = text.where(shown[column].notna().to_numpy(), "-")
    print(shown.to_string(index=False, na_rep="-", float_format=lambda v: f"{v:.3f}"))


def _emit(frame: pd.DataFrame, fmt: str, notes: Sequence[str] = ()) -> None:
    """Print `frame` as a table, JSON or CSV; notes go above a table, to stderr otherwise
    (so that JSON and CSV stay machine-readable)."""
    for note in notes:
        print(note, file=sys.stdout if fmt == "table" else sys.stderr)
    if fmt == "json":
        print(json.dumps(_json_records(frame), indent=2))
    elif fmt == "csv":
        frame.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
    elif frame.empty:
        print("Nothing to show for this selection.")
    else:
        _print_table(frame)


def _emit_rows(
    rows: Sequence[Mapping], types: Mapping[str, str], fmt: str, notes: Sequence[str] = ()
) -> None:
    """`_emit` for plain rows with the columns (and pandas types) of `types`: the same
    output, without pandas."""
    for note in notes:
        print(note, file=sys.stdout if fmt == "table" else sys.stderr)
    if fmt == "json":
        print(json.dumps(json_records(rows), indent=2))
    elif fmt == "csv":
        sys.stdout.write(csv_text(rows, types))
    elif not rows:
        print("Nothing to show for this selection.")
    else:
        hides = _repeated(list(types))
        shown = {c: t for c, t in types.items() if c not in hides}
        print(text_table(rows, shown, na_rep="-", decimals=3))


def _minimum(db, args: argparse.Namespace) -> int:
    """The minimum group size for this command: the configured one, or none at all with
    --show-small-groups."""
    from monitor import disclosure

    if args.show_small_groups:
        return disclosure.NO_MINIMUM
    return disclosure.minimum(db, None)


def _hidden_count(frame: pd.DataFrame) -> int:
    """How many rows of `frame` are hidden (`suppressed`)."""
    if "suppressed" not in frame:
        return 0
    return int(frame["suppressed"].fillna(False).astype(bool).sum())


def _disclosure_notes(hidden: int, minimum: int, fmt: str) -> list[str]:
    """What the output must say about the disclosure rule, with `hidden` scores hidden."""
    from monitor import disclosure

    if minimum <= disclosure.NO_MINIMUM:
        return [
            "Small groups shown (--show-small-groups): scores of fewer than the minimum "
            "group size may identify respondents. Do not share them."
        ]
    if not hidden:
        return []
    where = "a dash" if fmt == "table" else "empty values and suppressed = true"
    return [
        f"Hidden ({where}): {hidden} score(s) of fewer than {minimum} respondents, "
        "or that would give such a group away. --show-small-groups shows them."
    ]


def _cmd_scores(args: argparse.Namespace) -> int:
    from monitor import scores
    from monitor.store import lookups, open_database, scoring

    db = open_database(args.db)
    if (args.partners or args.wave) and not args.partnership:
        args.partnership = _only_partnership(db)
    where = scoring.ScoreFilter(partnership=args.partnership)
    if args.partners or args.wave:
        view = _view(db, args)
        day = view.starts(db)[view.wave] if args.wave else None
        where = scoring.ScoreFilter(view.partnership, view.partners, day, day)
    minimum = _minimum(db, args)
    rows = scores.factor_score_rows(
        db, by=args.by, where=where, weighting=args.weighting, min_group_size=minimum
    )
    if not rows and args.format == "table":
        if lookups.count_answers(db):
            print("No factor scores: no respondent answered at least half of any factor's items.")
        else:
            print("No survey data yet. Import files with `python -m monitor import FILE`.")
        return EXIT_OK
    hidden = sum(bool(row["suppressed"]) for row in rows)
    notes = _disclosure_notes(hidden, minimum, args.format)
    _emit_rows(rows, scores.score_types(args.by, args.weighting), args.format, notes)
    return EXIT_OK


def _cmd_uploads(args: argparse.Namespace) -> int:
    from monitor.store import open_database, uploads

    rows = uploads.upload_list(open_database(args.db))
    if not rows:
        print("No uploads yet.")
    else:
        shown = {c: t for c, t in uploads.LISTED_TYPES.items() if c != "sha256"}
        print(text_table(rows, shown))
    return EXIT_OK


def _cmd_remove(args: argparse.Namespace) -> int:
    from monitor import access
    from monitor.store import open_database

    removed = access.remove_upload(access.cli_actor(), open_database(args.db), args.upload_id)
    print(
        f"Removed upload #{removed['upload_id']} ({removed['file_name']}, "
        f"{removed['n_rows']} rows)."
    )
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from monitor import access
    from monitor.store import open_database

    results = access.load_sample(access.cli_actor(), open_database(args.db))
    for result in results:
        print(result.summary())
    if not results:
        print("The sample data is already loaded.")
    return EXIT_OK


def _template_preset(args: argparse.Namespace):
    """The preset of `--partnership`, with a note when the name is new but close to one."""
    if not args.partnership:
        return None
    from monitor.names import close_name
    from monitor.store import lookups, open_database
    from monitor.template import template_preset

    name = " ".join(args.partnership.split())
    db = open_database(args.db)
    stored = lookups.partnerships(db)
    close = close_name(name, stored)
    if close:
        print(
            f"Note: no partnership named '{name}' is stored; did you mean '{close}'? "
            "Files made from this template will start a new partnership.",
            file=sys.stderr,
        )
    return template_preset(db, name)


def _cmd_template(args: argparse.Namespace) -> int:
    from monitor.template import records_template_bytes, write_template

    if args.partnership and args.kind != "survey":
        raise MonitorError("--partnership applies to the survey template only.")
    preset = _template_preset(args)
    try:
        if args.kind == "survey":
            write_template(args.out, preset=preset)
        else:
            args.out.write_bytes(records_template_bytes(args.kind))
    except OSError as exc:
        raise MonitorError(f"Cannot write {args.out}: {exc.strerror}.") from exc
    print(f"Wrote the {args.kind} template to {args.out}.")
    return EXIT_OK


def _only_partnership(db) -> str:
    from monitor.store import lookups

    stored = lookups.partnerships(db)
    if len(stored) != 1:
        raise MonitorError(
            "Choose a partnership with --partnership. Stored: "
            + (", ".join(stored) or "none yet (import data first)")
            + "."
        )
    return stored[0]


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise MonitorError(f"Cannot write {path}: {exc.strerror}.") from exc


def _cmd_report(args: argparse.Namespace) -> int:
    from monitor import report
    from monitor.instrument import load_instrument
    from monitor.settings import load_settings, with_bands
    from monitor.store import config, open_database

    db = open_database(args.db)
    partnership = args.partnership or _only_partnership(db)
    # The settings in force for this store (as the dashboard's): the disclosure rule
    # itself is taken by the report from the same place.
    current = load_settings(stored=config.stored_settings(db))
    pdf = report.pdf_report(
        db,
        partnership,
        args.wave,
        instrument=with_bands(load_instrument(), current),
        name_only_gap=current.name_only_gap,
        name_only_waves=current.name_only_waves,
        currency=current.currency,
        min_response_rate=current.min_response_rate,
    )
    _write(args.out, pdf)
    print(f"Wrote the report of {partnership} to {args.out}.")
    if args.scores_xlsx:
        data = report.scores_excel(db, partnership, args.wave)
        _write(args.scores_xlsx, data)
        print(f"Wrote the scores to {args.scores_xlsx}.")
    return EXIT_OK


def _cmd_migrate(args: argparse.Namespace) -> int:
    from monitor.store import open_database

    db = open_database(args.db)  # opening applies what is missing
    applied = ", ".join(str(v) for v in db.applied)
    plural = "s" if len(db.applied) > 1 else ""
    done = f"applied migration{plural} {applied}" if applied else "nothing to apply"
    print(f"{db.path}: schema version {db.schema_version()} ({done}).")
    return EXIT_OK


def _cmd_copy(args: argparse.Namespace) -> int:
    from monitor.store import open_database
    from monitor.store.copy import copy_store
    from monitor.store.database import is_postgres_url

    if not is_postgres_url(args.source) and not Path(args.source).is_file():
        raise MonitorError(f"{args.source}: no such database file. Check the --from path.")
    source, target = open_database(args.source), open_database(args.target)
    counts = copy_store(source, target)
    rows = ", ".join(f"{counts[t]} {t}" for t in ("answers", "activity", "outcomes", "audit"))
    print(f"Copied {counts['uploads']} uploads ({rows}) from {source.path} to {target.path}.")
    return EXIT_OK


def _cmd_invited(args: argparse.Namespace) -> int:
    from monitor import access
    from monitor.ingest.invited import read_invited_csv
    from monitor.store import open_database

    db = open_database(args.db)
    partnership = args.partnership or _only_partnership(db)
    by_wave = read_invited_csv(_read(args.file), args.wave)
    changes = access.save_invited(access.cli_actor(), db, partnership, by_wave)
    for wave in by_wave:
        changed = changes.get(wave, {})
        if not changed:
            print(f"{wave}: no change.")
            continue
        parts = ", ".join(
            f"{name} {'none' if was is None else was} -> {'none' if now is None else now}"
            for name, (was, now) in changed.items()
        )
        print(f"{wave}: {parts}.")
    return EXIT_OK


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MonitorError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def _cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from monitor.access import hash_password

    if args.stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise MonitorError("The two passwords differ.")
    print(hash_password(password))
    return EXIT_OK


# --- the dashboard's tables ---------------------------------------------------------------


def _view(db, args: argparse.Namespace, *, wave_from: bool = False):
    """The pages' view from --partnership, --wave, [--from], --partner and --weighting,
    each checked against what is stored."""
    from monitor.scorecard import View
    from monitor.store import lookups

    partnership = args.partnership or _only_partnership(db)
    waves = lookups.waves(db, partnership).sort_values("wave_start")["wave"].tolist()
    if not waves:
        known = ", ".join(lookups.partnerships(db)) or "none yet"
        raise NotFoundError(f"There is no survey data for {partnership!r}. Stored: {known}.")
    for label in (getattr(args, "wave", None), getattr(args, "wave_from", None)):
        if label and label not in waves:
            raise NotFoundError(
                f"{partnership} has no wave {label!r}. Its waves: {', '.join(waves)}."
            )
    partners = tuple(dict.fromkeys(args.partners or ())) or None
    unknown = sorted(set(partners or ()) - set(lookups.partners(db, partnership)))
    if unknown:
        raise NotFoundError(
            f"{partnership} has no partner {', '.join(map(repr, unknown))}. Its partners: "
            f"{', '.join(lookups.partners(db, partnership))}."
        )
    return View(
        partnership,
        getattr(args, "wave", None) or waves[-1],
        partners,
        getattr(args, "wave_from", None) if wave_from else None,
        getattr(args, "weighting", "person"),
    )


def _partnership(db, args: argparse.Namespace) -> str:
    from monitor.store import lookups

    partnership = args.partnership or _only_partnership(db)
    if partnership not in lookups.record_partnerships(db):
        known = ", ".join(lookups.record_partnerships(db)) or "none yet"
        raise NotFoundError(f"Nothing is stored for {partnership!r}. Stored: {known}.")
    return partnership


def _scorecard(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import scorecard

    return scorecard.scorecard(db, _view(db, args), min_group_size=minimum)


def _partner_matrix(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    """Partner x factor scores with the partnership's (or selection's) total beside them."""
    import pandas as pd

    from monitor import partners, scores
    from monitor.store import scoring

    view = _view(db, args)
    matrix = partners.partner_matrix(db, view, minimum)
    start = view.starts(db)[view.wave]
    where = scoring.ScoreFilter(view.partnership, view.partners, start, start)
    total = scores.factor_scores(db, where=where, min_group_size=minimum)
    total.insert(total.columns.get_loc("factor"), "partner", ALL_PARTNERS)
    return pd.concat([matrix, total], ignore_index=True)


def _power(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import power

    return power.power_index(db, _view(db, args, wave_from=True), minimum)


def _name_only(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import name_only, power
    from monitor.settings import load_settings
    from monitor.store import config

    settings = load_settings(stored=config.stored_settings(db))
    history = power.partner_history(db, _view(db, args, wave_from=True), minimum)
    return name_only.flags(history, settings.name_only_gap, settings.name_only_waves)


def _reliability(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import quality
    from monitor.settings import load_settings
    from monitor.store import config

    alpha_low = load_settings(stored=config.stored_settings(db)).alpha_low
    view = _view(db, args, wave_from=True)
    return quality.reliability(db, view, alpha_low, min_group_size=minimum)


def _missing(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import quality

    return quality.item_quality(db, _view(db, args, wave_from=True), min_group_size=minimum)


def _continuity(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import activity

    return activity.continuity(db, _partnership(db, args))


def _cost(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import activity

    return activity.cost(db, _partnership(db, args), args.hourly_cost)


def _outcomes(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import outcomes

    partnership = _partnership(db, args)
    if args.monthly:
        return outcomes.monthly(db, partnership)
    comparison = outcomes.change_table(db, partnership)
    return comparison.table.assign(earlier_period=comparison.earlier, later_period=comparison.later)


def _response_rates(db, args: argparse.Namespace, minimum: int) -> pd.DataFrame:
    from monitor import response_rates
    from monitor.settings import load_settings
    from monitor.store import config

    view = _view(db, args)
    min_rate = load_settings(stored=config.stored_settings(db)).min_response_rate
    return response_rates.response_rates(
        db, view.partnership, view.wave, view.partners, min_rate=min_rate
    )


def _cost_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partnership", help="the partnership (default: the only one)")
    parser.add_argument(
        "--hourly-cost", type=float, default=40.0, help="cost of one staff hour (default 40)"
    )


def _outcome_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partnership", help="the partnership (default: the only one)")
    parser.add_argument(
        "--monthly", action="store_true", help="counts per month and category instead"
    )


def _partnership_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partnership", help="the partnership (default: the only one)")


class TableSpec:
    """A table command: its help, its options and the library call that builds it."""

    def __init__(
        self,
        help: str,
        build: Callable[[object, argparse.Namespace, int], pd.DataFrame],
        add_args: Callable[[argparse.ArgumentParser], None],
        empty: str = "",
    ):
        self.help, self.build, self.add_args = help, build, add_args
        self.empty = empty  # said instead of an empty table, when set


def _wave_args(parser: argparse.ArgumentParser) -> None:
    _selection_args(parser)


def _range_args(parser: argparse.ArgumentParser) -> None:
    _selection_args(parser, wave_from=True)


def _weighted_args(parser: argparse.ArgumentParser) -> None:
    _selection_args(parser, weighting=True)


ALL_PARTNERS = "(all partners)"  # the total row of the partner matrix
TABLES = {
    "scorecard": TableSpec(
        "the Overview's scorecard of one wave: each factor's score and interval, and its "
        "change since the previous and the first wave (difference, interval, verdict)",
        _scorecard,
        _weighted_args,
    ),
    "partners": TableSpec(
        f"scores per partner and factor in one wave, with the total as partner {ALL_PARTNERS!r}",
        _partner_matrix,
        _wave_args,
    ),
    "power": TableSpec(
        "the power differential: how far apart the partner agencies' scores are, per wave "
        "and factor",
        _power,
        _range_args,
    ),
    "name-only": TableSpec(
        "agencies far below the others wave after wave (partnership in name only?)",
        _name_only,
        _range_args,
    ),
    "reliability": TableSpec(
        "scale reliability (Cronbach's alpha) per wave and factor", _reliability, _range_args
    ),
    "missing": TableSpec("answers and missing answers per item and wave", _missing, _range_args),
    "response-rates": TableSpec(
        "response rates per agency in one wave: respondents, people invited, the rate and "
        "agencies below the minimum rate (setting min_response_rate)",
        _response_rates,
        _wave_args,
        empty="No counts of people invited are recorded for this wave. Record them with "
        "`python -m monitor invited FILE.csv` (columns partner, invited, wave) or on the "
        "dashboard's Upload page.",
    ),
    "continuity": TableSpec(
        "continuity of representation per partner (activity records)",
        _continuity,
        _partnership_arg,
    ),
    "cost": TableSpec(
        "cost of running the partnership per quarter (activity records)", _cost, _cost_args
    ),
    "outcomes": TableSpec(
        "crime and disorder outcomes: first and last twelve months per category",
        _outcomes,
        _outcome_args,
    ),
}


def _cmd_table(args: argparse.Namespace) -> int:
    from monitor.store import open_database

    db = open_database(args.db)
    minimum = _minimum(db, args)
    spec = TABLES[args.command]
    frame = spec.build(db, args, minimum)
    if frame.empty and spec.empty and args.format == "table":
        print(spec.empty)
        return EXIT_OK
    _emit(frame, args.format, _disclosure_notes(_hidden_count(frame), minimum, args.format))
    return EXIT_OK


COMMANDS = {
    "import": _cmd_import,
    "scores": _cmd_scores,
    "uploads": _cmd_uploads,
    "remove": _cmd_remove,
    "demo": _cmd_demo,
    "template": _cmd_template,
    "report": _cmd_report,
    "migrate": _cmd_migrate,
    "copy": _cmd_copy,
    "invited": _cmd_invited,
    "hash-password": _cmd_hash_password,
    **{name: _cmd_table for name in TABLES},
}


def _hint(exc: MonitorError) -> str:
    """What to do about `exc` on the command line ("" when its message says it all)."""
    if isinstance(exc, NotADatabaseError):
        return "Point --db or MONITOR_DB at another file."
    if isinstance(exc, StoreBusyError):
        return (
            "Try again when it has finished. To wait longer, set MONITOR_DB_WAIT to a "
            "number of seconds."
        )
    if isinstance(exc, DatabaseOpenError):
        return "Or point --db at another file."
    if isinstance(exc, DatabaseUnreachableError):
        return "The address is the one given with --db or in MONITOR_DB."
    if isinstance(exc, UnconfirmedMappingError):
        return (
            "To accept the proposed mapping, import with --mapping NAME: it is used and saved "
            "under NAME for the next wave's export."
        )
    return ""


def explain(exc: MonitorError) -> str:
    """The library's message for `exc`, with the hint that fits the command line."""
    hint = _hint(exc)
    if not hint:
        return str(exc)
    separator = "\n" if isinstance(exc, ValidationError) else " "  # after a list of problems
    return f"{exc}{separator}{hint}"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except MonitorError as exc:
        print(explain(exc), file=sys.stderr)
        return EXIT_REJECTED
    except BrokenPipeError:  # output piped into a reader that stopped early (| head)
        sys.stderr.close()
        return EXIT_OK
    finally:
        _close_stores()


def _close_stores() -> None:
    """Close the databases a command opened (nothing to do if it opened none)."""
    registry = sys.modules.get("monitor.store.registry")
    if registry is not None:
        registry.close_all()
