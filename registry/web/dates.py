"""Parsing and showing calendar days."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from registry.subprocessors.snapshot import today


def parse_at(raw: str | None) -> date:
    """The day asked for with ?at=YYYY-MM-DD, today in Amsterdam when absent; 400 when malformed."""
    if raw is None or raw == "":
        return today()
    try:
        if len(raw) != 10:
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(
            _("'at' must be a date written as YYYY-MM-DD, e.g. 2026-01-31; got '%(value)s'.", value=raw[:40])
        ) from None
    if day.year < 1990:
        raise BadRequest(_("'at' must be 1990-01-01 or later: the GDPR registry holds nothing earlier."))
    return day
