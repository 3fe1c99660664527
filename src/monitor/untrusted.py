"""Text that came from a file (partnership, partner and file names, comments) is data.

Where such text has to sit inside formatted text (a caption, a heading, a warning, a widget
label: all Markdown in Streamlit), `markdown_text` makes it inert: every character Markdown,
HTML, math, emoji short codes or colour directives could act on is escaped, line breaks
become spaces, characters that reorder the display (right-to-left overrides) are dropped,
and very long values are shortened. Elsewhere, show it as plain text (tables, st.text).
"""

from __future__ import annotations

import re
import string

# Characters that change the order in which the text around them is displayed.
BIDI_CONTROLS = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u0085\u2028\u2029]+")
# GitHub-flavoured Markdown (Streamlit's) turns bare addresses into links after the
# escapes are read: `scheme://...`, `www.` and e-mail addresses. An invisible word joiner
# inside each (after the colon, before the dot of `www.`, before the `@`) keeps them from
# being recognised.
WORD_JOINER = "\u2060"
_BARE_ADDRESS = re.compile(r"(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?=@)", re.IGNORECASE)
MAX_SHOWN = 200  # characters of one value inside formatted text


def plain(text: object, max_length: int | None = MAX_SHOWN) -> str:
    """`text` on one line, without display-reordering characters, shortened to
    `max_length` characters (with an ellipsis)."""
    value = _LINE_BREAKS.sub(" ", str(text)).translate(BIDI_CONTROLS)
    if max_length is not None and len(value) > max_length:
        value = value[: max_length - 1].rstrip() + "…"
    return value


def markdown_text(text: object, max_length: int | None = MAX_SHOWN, lines: bool = False) -> str:
    """`text` to place inside Markdown: shown exactly as written, acting as nothing.

    CommonMark lets any ASCII punctuation be escaped with a backslash, so every one is:
    links, images, emphasis, headings, HTML tags and entities, `$` math, `:emoji:` codes
    and `:red[...]` directives all stay literal; bare web and e-mail addresses are not
    made into links. With `lines`, the text's own line breaks are kept (as Markdown hard
    breaks); otherwise it is one line."""
    if lines:
        parts = str(text).splitlines() or [""]
        return "  \n".join(markdown_text(part, max_length) for part in parts)
    linkless = _BARE_ADDRESS.sub(WORD_JOINER, plain(text, max_length))
    return _PUNCTUATION.sub(r"\\\1", linkless)


def file_stem(text: object, max_length: int = 60) -> str:
    """`text` as part of a file name: lower-case letters and digits joined by hyphens,
    nothing a file system or browser would read as a folder, drive or device."""
    words = "".join(c if c.isalnum() else " " for c in str(text).lower()).split()
    return "-".join(words)[:max_length].strip("-")
