"""An uploaded file's bytes: read within the size limit, and refused when the same bytes
were stored before."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from monitor.errors import DuplicateUploadError, UnreadableFileError
from monitor.store import Database, uploads


def read_limited(file: BinaryIO, file_name: str, max_bytes: int | None) -> bytes:
    """The file's bytes, refusing (before reading it all) a file over `max_bytes`."""
    data = file.read() if max_bytes is None else file.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise UnreadableFileError(
            f"{file_name} is larger than the upload limit of {max_bytes / 1e6:.0f} MB. "
            "Split it into one file per wave, or ask the administrator to raise max_upload_mb."
        )
    return data


def read_new_file(
    db: Database, file: BinaryIO, file_name: str, max_bytes: int | None
) -> tuple[bytes, str]:
    """The file's bytes and sha256, refusing a file over the size limit or imported before."""
    data = read_limited(file, file_name, max_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = uploads.find_upload_by_sha(db, sha256)
    if earlier:
        raise DuplicateUploadError.of(file_name, earlier)
    return data, sha256
