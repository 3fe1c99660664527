"""The kinds of upload besides survey answers (a module light enough for the CLI's parser)."""

ACTIVITY, OUTCOMES = "activity", "outcomes"
KINDS = (ACTIVITY, OUTCOMES)
