"""Hostile names and comments: text from files that must be shown as written, acting as
nothing (used as partnership, partner and file names and as comments)."""

HOSTILE = [
    "[Click here to confirm your password](https://evil.example/login)",
    "![tracker](https://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>Open</a>",
    "javascript:alert(document.cookie)",
    "# HEADING\nbroke out",
    "**bold** _em_ `code` ~~gone~~",
    '=HYPERLINK("https://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "$x^2$ and :red[alarm] :material/warning: :smile:",
    "Police \u202eexe.fdp",
    "Community 🚓 Safety 🏘️ Partnership",
    "&lt;b&gt;entity&lt;/b&gt; &amp;",
    "A" * 5000,
]
