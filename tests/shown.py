"""What a reader sees of Markdown the pages wrote: text from files is escaped with
backslashes (monitor.untrusted), which the reader never sees."""

from __future__ import annotations

import re


def shown(markdown: str) -> str:
    """`markdown` without its backslash escapes."""
    return re.sub(r"\\(.)", r"\1", markdown)
