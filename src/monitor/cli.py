"""Command line: `python -m monitor COMMAND ...`.

The command line is a local administrator's tool: it has every role (see monitor.access)
and its writes are recorded as `cli:<operating-system user>`.

Exit codes: 0 success, 2 rejected input (the reason on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.errors import (
    DatabaseOpenError,
    DatabaseUnreachableError,
    MonitorError,
    NotADatabaseError,
    UnconfirmedMappingError,
    ValidationError,
)
from monitor.ingest.kinds import KINDS

if TYPE_CHECKING:
    import pandas as pd

# Each command imports what it needs when it runs, so that `--help`, `scores` and
# `uploads` start without loading the chart, report, Excel and import modules.

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
    sc.add_argument("--format", choices=["table", "json", "csv"], default="table")
    sc.add_argument("--partnership", help="only this partnership")
    _db_arg(sc)

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
        "--kind", choices=["survey", *KINDS], default="survey", help="which template to write"
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

    hp = sub.add_parser(
        "hash-password", help="hash a password for the evaluator/admin login (secrets or env)"
    )
    hp.add_argument("--stdin", action="store_true", help="read the password from stdin")
    return parser


def _cmd_import(args: argparse.Namespace) -> int:
    from monitor import access
    from monitor.ingest import import_survey
    from monitor.ingest.records import import_records
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
    import json
    import math

    records = json.loads(frame.to_json(orient="records", date_format="iso"))
    for record in records:
        for key, value in record.items():
            if isinstance(value, float) and math.isnan(value):
                record[key] = None
            if key == "wave_start" and value:
                record[key] = value[:10]
    return records


def _cmd_scores(args: argparse.Namespace) -> int:
    import json

    from monitor import scores
    from monitor.store import lookups, open_database

    db = open_database(args.db)
    frame = scores.factor_scores(db, by=args.by, partnership=args.partnership)
    if frame.empty and args.format == "table":
        if lookups.count_answers(db):
            print("No factor scores: no respondent answered at least half of any factor's items.")
        else:
            print("No survey data yet. Import files with `python -m monitor import FILE`.")
        return EXIT_OK
    if args.format == "json":
        print(json.dumps(_json_records(frame), indent=2))
    elif args.format == "csv":
        frame.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
    else:
        shown = frame.drop(columns=["wave_start", "factor_name", "band_label"])
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return EXIT_OK


def _cmd_uploads(args: argparse.Namespace) -> int:
    from monitor.store import open_database, uploads

    frame = uploads.list_uploads(open_database(args.db))
    if frame.empty:
        print("No uploads yet.")
    else:
        print(frame.drop(columns=["sha256"]).to_string(index=False))
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
    from monitor.settings import load_settings
    from monitor.store import open_database

    db = open_database(args.db)
    partnership = args.partnership or _only_partnership(db)
    min_n = load_settings().min_group_size
    _write(args.out, report.pdf_report(db, partnership, args.wave, min_group_size=min_n))
    print(f"Wrote the report of {partnership} to {args.out}.")
    if args.scores_xlsx:
        data = report.scores_excel(db, partnership, args.wave, min_group_size=min_n)
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
    "hash-password": _cmd_hash_password,
}


def _hint(exc: MonitorError) -> str:
    """What to do about `exc` on the command line ("" when its message says it all)."""
    if isinstance(exc, NotADatabaseError):
        return "Point --db or MONITOR_DB at another file."
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
