"""The rule for text put into a CSV cell: a spreadsheet must not run it as a formula (CSV injection), so a cell
that starts like one gets a leading quote; the text itself is kept whole. Used by every CSV the portal writes."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """Text for a spreadsheet cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
