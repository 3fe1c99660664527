"""Hostile names and comments: text from files that must be shown as written, acting as
nothing (used as partnership, partner and file names and as comments)."""

from monitor.template import ACTIVITY_COLUMNS

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

# Hosts and pieces that must never become a live link, image or heading.
EVIL_HOSTS = ("evil.example",)
BARE_URL = "http://evil.example/login"
MORE_HOSTILE = [
    "[x](http://evil.example)",
    "![i](http://evil.example/p.png)",
    "<a href=http://evil.example>Open</a>",
    f"Visit {BARE_URL} now",
    "[js](javascript:alert(1))",
]
CORPUS = HOSTILE + MORE_HOSTILE
PARTNERSHIP = HOSTILE[0]  # the Markdown link, as a partnership name
SECOND_PARTNERSHIP = "<img src=x onerror=alert(1)> Safety"
WAVE = "2025-Q1"


def _csv(rows: list[list[object]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def survey_file(partners: list[str], wave: str = WAVE) -> bytes:
    """A survey in the template's layout: 6 respondents per hostile partner."""
    from monitor.instrument import load_instrument

    items = list(load_instrument().item_ids)
    rows: list[list[object]] = [["respondent_id", "partner", "role", "wave", *items]]
    for n in range(6 * len(partners)):
        role = CORPUS[n % len(CORPUS)][:60]
        answers = [1 + (n + k) % 5 for k in range(len(items))]
        rows.append([f"H{n:03d}", partners[n % len(partners)], role, wave, *answers])
    return _csv(rows)


# Agencies of the forms export: few and short, as agency answers are (a column of long,
# varied answers is taken for free text).
FORMS_PARTNERS = ["<b>Police</b>", "**Council**", "=SUM(1+1)"]


def forms_file(comments: list[str]) -> bytes:
    """A Microsoft Forms export (columns named by question text) whose free-text answers
    are the hostile texts, from people of hostile agencies, completed in the first
    quarter of 2025."""
    from monitor.instrument import load_instrument

    instrument = load_instrument()
    items = instrument.items[:6]
    header = ["Id", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    header += ["Which agency do you represent?", "What is your role?"]
    header += [i.statement for i in items] + ["Anything else you would like to tell us?"]
    rows: list[list[object]] = [header]
    for n, comment in enumerate(comments, start=1):
        day = f"3/{1 + n % 28}/2025"
        partner = FORMS_PARTNERS[n % len(FORMS_PARTNERS)]
        answers = [instrument.labels[1 + (n + k) % 5] for k in range(len(items))]
        rows.append([n, f"{day} 9:01:02", f"{day} 9:14:40", "anonymous", "", ""])
        rows[-1] += [partner, "Manager", *answers, comment]
    return _csv(rows)


def activity_file(partners: list[str]) -> bytes:
    """Meetings attended by hostile agencies' hostile representatives."""
    rows: list[list[object]] = [list(ACTIVITY_COLUMNS)]
    for month in range(1, 4):
        for n, partner in enumerate(partners):
            rows.append(
                [
                    f"2025-0{month}-1{n % 9}",
                    CORPUS[(month + n) % len(CORPUS)][:80],
                    partner,
                    CORPUS[n % len(CORPUS)][:80],
                    "yes",
                    "Manager",
                    "yes",
                    3,
                    100,
                    1,
                ]
            )
    return _csv(rows)


def hostile_store(path) -> None:
    """A store at `path` whose partnership, partner, role, file and activity names and
    comments are the hostile texts (two partnerships, one wave each)."""
    import io

    from monitor.ingest import import_survey
    from monitor.ingest.records import import_activity
    from monitor.store import close_all, open_database

    db = open_database(path)
    partners = CORPUS[1:8]
    import_survey(
        db, io.BytesIO(survey_file(partners)), f"{HOSTILE[2]}.csv", partnership=PARTNERSHIP
    )
    import_survey(
        db, io.BytesIO(forms_file(CORPUS)), f"{MORE_HOSTILE[0]}.csv", partnership=PARTNERSHIP
    )
    import_activity(
        db, io.BytesIO(activity_file(partners)), f"{HOSTILE[3]}.csv", partnership=PARTNERSHIP
    )
    import_survey(
        db, io.BytesIO(survey_file(CORPUS[8:12])), "second.csv", partnership=SECOND_PARTNERSHIP
    )
    close_all()
