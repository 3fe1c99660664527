"""Names and columns of the extra sheets in the workbooks evaluators fill in.

Both the template that writes them and the readers that check them take the layout from
here, so the readers need not load the spreadsheet writer.
"""

from __future__ import annotations

INVITED_SHEET = "Invited"
INVITED_COLUMNS: tuple[str, ...] = ("partner", "wave", "invited")
"""The sheet of a partnership's template where the people invited per agency are counted."""
