"""Exceptions of the library. Pages and the CLI turn them into one clear message."""

from __future__ import annotations

from dataclasses import dataclass


class MonitorError(Exception):
    """Base class: something the user can act on. `str()` is the message to show."""


class InstrumentError(MonitorError):
    """The instrument file is missing or malformed."""


class StoreError(MonitorError):
    """The database cannot be opened or used."""


class NotFoundError(MonitorError):
    """A named thing (an upload, a partnership) does not exist."""


class UnreadableFileError(MonitorError):
    """The uploaded file cannot be read at all (wrong type, corrupt, empty)."""


class NotADatabaseError(StoreError):
    """The file named as the store is not a Partnership Monitor database."""

    def __init__(self, path: str, detail: str | None = None):
        self.path = path
        self.detail = detail
        extra = f" ({detail})" if detail else ""
        super().__init__(f"{path} is not a Partnership Monitor database{extra}.")


class DatabaseOpenError(StoreError):
    """The database file cannot be opened (no permission, a damaged disk, a program that
    holds it in a way the monitor cannot share)."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"Cannot open the database {path}: {reason}.")


class StoreBusyError(StoreError):
    """The database file stayed in use by another program (or another write of this one)
    for longer than a read or write waits for its turn."""

    def __init__(self, path: str, seconds: float, holder: str | None, writing: bool):
        self.path = path
        self.seconds = seconds
        self.holder = holder  # the program and process that held the file, when known
        self.writing = writing
        by = f" (held by {holder})" if holder else ""
        outcome = "Nothing was stored." if writing else "Nothing was read or stored."
        unit = "second" if seconds == 1 else "seconds"
        super().__init__(
            f"The database {path} is busy: it is in use elsewhere{by}, as by an import "
            f"that is still being stored. Waited {seconds:g} {unit} for a turn. {outcome}"
        )


class DatabaseUnreachableError(StoreError):
    """No connection to a PostgreSQL store (wrong address or password, server down)."""

    def __init__(self, where: str, reason: str):
        self.where = where  # the address with any password hidden
        self.reason = reason
        super().__init__(
            f"Cannot connect to the PostgreSQL database {where}: {reason}. Check the "
            "address, user and password, and that the server accepts connections."
        )


class ConflictError(StoreError):
    """Another writer changed the stored data in a way that clashes with this write."""


class PartnershipNeededError(MonitorError):
    """A file without a partnership column, checked without saying which partnership
    its rows belong to."""

    def __init__(self, file_name: str):
        super().__init__(
            f"{file_name} has no partnership column, so its partnership must be chosen: "
            "pick a stored partnership or type the name of a new one. Nothing was checked "
            "or stored yet."
        )
        self.file_name = file_name


class DuplicateUploadError(MonitorError):
    """The same file (same bytes) was imported before."""

    @classmethod
    def of(cls, file_name: str, earlier: dict) -> DuplicateUploadError:
        """The error for `file_name`, stored before as `earlier` (upload_id, file_name,
        uploaded_at)."""
        return cls(
            f"{file_name} was already imported as upload #{earlier['upload_id']} "
            f"({earlier['file_name']}, {earlier['uploaded_at']:%Y-%m-%d %H:%M}). "
            "Nothing was stored. To replace it, remove that upload first."
        )


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as the user sees the file."""

    message: str
    fix: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        value = f" (value: {self.value!r})" if self.value else ""
        head = f"{prefix}: " if prefix else ""
        return f"{head}{self.message}{value}. {self.fix}"


MAX_LISTED = 50  # problems listed in full; the rest are counted


class ProblemList:
    """Collects problems, listing the first MAX_LISTED and counting all."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(problem)


class ValidationError(MonitorError):
    """The file was read but its content breaks the rules; it is rejected whole."""

    # Set by the survey importer when the file's columns needed a mapping: the detected
    # layout's name and the proposed mapping, so the user can correct it.
    layout: str | None = None
    proposal: object | None = None

    def __init__(self, file_name: str, problems: list[Problem], total: int | None = None):
        self.file_name = file_name
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        count = self.total
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.file_name} was not imported: {count} {noun} found. Nothing was stored."]
        lines += [f"  - {p}" for p in self.problems]
        hidden = self.total - len(self.problems)
        if hidden > 0:
            lines.append(f"  ... and {hidden} more (fix the ones above and upload again).")
        return "\n".join(lines)


class UnconfirmedMappingError(ValidationError):
    """A platform export whose proposed column mapping has rows to check (columns matched
    by similar, not identical, question text; two columns that could hold one field):
    the mapping must be confirmed before import."""

    def __init__(
        self,
        file_name: str,
        problems: list[Problem],
        uncertain: list[str],
        total: int | None = None,
        pending: list[Problem] | None = None,
    ):
        self.uncertain = uncertain  # the columns to check
        self.pending = pending or []  # the problems that only ask for the confirmation
        super().__init__(file_name, problems, total)

    def others(self) -> ValidationError | None:
        """The file's other problems (those a confirmation does not settle), if any."""
        rest = [p for p in self.problems if p not in self.pending]
        if not rest:
            return None
        return ValidationError(self.file_name, rest, self.total - (len(self.problems) - len(rest)))


class AmbiguousMappingError(MonitorError):
    """An edited column mapping maps two columns to one field or item."""

    def __init__(self, doubled: dict[str, list[str]]):
        self.doubled = doubled  # target -> the columns mapped to it
        parts = [
            f"{len(columns)} columns map to {target} (" + ", ".join(f"'{c}'" for c in columns) + ")"
            for target, columns in doubled.items()
        ]
        super().__init__(
            "The column mapping is ambiguous: "
            + "; ".join(parts)
            + ". Map only one column to each field or item; map the others elsewhere or "
            "to 'ignore'."
        )


class AccessDenied(MonitorError):
    """The user's role does not allow this (an upload or removal without the evaluator
    role, a partnership outside the user's access)."""


class AccessConfigError(MonitorError):
    """The login configuration exists but cannot be read or is incomplete. The dashboard
    serves no data until it is fixed. `source` is the file (or environment variable)
    at fault and `line` the line of the file, when known."""

    def __init__(self, problem: str, fix: str, source: str | None = None, line: int | None = None):
        self.problem, self.fix, self.source, self.line = problem, fix, source, line
        super().__init__(self._message())

    def located(self, source: str, line: int | None) -> AccessConfigError:
        """The same error, placed in `source` at `line`."""
        return AccessConfigError(self.problem, self.fix, source, line)

    def _message(self) -> str:
        where = self.source or ""
        if self.source and self.line:
            where += f", line {self.line}"
        head = f"{where}: " if where else ""
        return f"{head}{self.problem}. {self.fix}"


class InvitedCountError(MonitorError):
    """Counts of people invited that cannot be stored (not whole numbers, negative, fewer
    than answered); `problems` lists every one. Nothing of them is stored."""

    def __init__(self, where: str, problems: list[str]):
        self.where = where
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        lines = [f"The invited counts of {where} were not saved: {len(problems)} {noun}."]
        lines += [f"  - {p}" for p in problems]
        lines.append("Nothing was stored. Fix the counts and save them again.")
        super().__init__("\n".join(lines))


class TooLargeForExcelError(MonitorError):
    """The rows do not fit in an Excel sheet (1,048,576 rows, the header included)."""
