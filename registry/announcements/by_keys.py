"""An announcement as a machine writes it (the API): services and sub-processors named by their keys, dates as
ISO days; turned into the values the form gives `drafting.save_draft`, so that the same rules and messages apply.
And what a draft's notices will be, as plain data (the preview the editor's page shows before publishing)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.announcements import deadlines
from registry.announcements.summary import describe
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import Announcement, Processor, Service, SubProcessor
from registry.text import _

# The fields each kind keeps (as the form: the others are emptied).
BRINGS_IN = ("entity", "new_name", "new_legal_name", "new_established_in", "new_description", "new_dpa_in_place")
KEPT = {
    "add": ("parent", *BRINGS_IN, "purpose", "locations"),
    "replace": ("parent", "target", *BRINGS_IN, "purpose", "locations"),
    "remove": ("parent", "target"),
    "change_locations": ("target", "locations"),
}
WORLDWIDE = "WORLD"
TEXTS = ("new_name", "new_legal_name", "new_description", "purpose", "reason", "urgency_justification")


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(_("%(field)s must be text.", field=name), name)
    return value


def _sub_processor_id(processor: Processor, ref, field: str) -> int | None:
    """A top-level sub-processor of this processor named by its key or name; 0 (refused by the rules with the
    form's message) for one it does not have."""
    if ref in (None, ""):
        return None
    if not isinstance(ref, str):
        raise DomainError(_("%(field)s must be text.", field=field), field)
    rows = db.session.scalars(select(SubProcessor).filter_by(processor_id=processor.id, parent_id=None))
    for sp in rows:
        if ref in (sp.key, sp.name):
            return sp.id
    return 0


def _service_ids(processor: Processor, keys) -> list[int]:
    """Service ids for the keys; a key the processor has no service for becomes an id it does not own, which the
    rules refuse with the form's words ("Choose services of … only.")."""
    if keys is None:
        return []
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise DomainError(_("services must be a list of service keys."), "services")
    own = {s.key: s.id for s in db.session.scalars(select(Service).filter_by(processor_id=processor.id))}
    return [own.get(k, 0) for k in keys]


def _locations(raw) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        raise DomainError(_("locations must be a list of objects."), "locations")
    rows = []
    for row in raw:
        fields = {name: row.get(name) for name in ("country", "place", "role", "transfer_basis")}
        if any(value is not None and not isinstance(value, str) for value in fields.values()):
            raise DomainError(_("Each location's fields are text."), "locations")
        if isinstance(fields["country"], str) and fields["country"].upper() == WORLDWIDE:
            fields["country"] = None  # as the form's "Worldwide (no single country)"
        rows.append(fields)
    return rows


def _day(value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_day()
    except ValueError:
        return _bad_day()


def _bad_day():
    raise DomainError(_("Give the effective date (YYYY-MM-DD)."), "effective_date")


def values_from(processor: Processor, body) -> dict:
    """The form's values for `save_draft` from a JSON object; DomainError for what is not even of the right type."""
    if not isinstance(body, dict):
        raise DomainError(_("Send a JSON object."))
    kind = body.get("kind")
    kept = KEPT.get(kind, ()) if isinstance(kind, str) else ()
    dpa = body.get("new_dpa_in_place")
    values = {
        "kind": kind if isinstance(kind, str) else None,
        "service_ids": _service_ids(processor, body.get("services")),
        "parent_id": _sub_processor_id(processor, body.get("parent"), "parent") if "parent" in kept else None,
        "target_id": _sub_processor_id(processor, body.get("target"), "target") if "target" in kept else None,
        "entity_id": _sub_processor_id(processor, body.get("entity"), "entity") if "entity" in kept else None,
        "new_established_in": (_text(body, "new_established_in").upper() or None)
        if "new_established_in" in kept
        else None,
        "new_dpa_in_place": dpa if isinstance(dpa, bool) and "new_dpa_in_place" in kept else None,
        "locations": _locations(body.get("locations")) if "locations" in kept else [],
        "effective_date": _day(body.get("effective_date")),
        "urgent": body.get("urgent") is True,
    }
    for name in TEXTS:
        values[name] = _text(body, name) if name in kept or name in ("reason", "urgency_justification") else ""
    return values


def preview(processor: Processor, announcement: Announcement, announced_on: date) -> list[dict]:
    """Which contracts get which notice: as the editor's page shows a draft before it is published."""
    facts = describe(announcement)
    items = deadlines.per_contract(processor, announcement.services, announced_on, bool(facts.outside_eea))
    return [
        {
            "contract": item.contract.reference if item.contract is not None else None,
            "label": str(item.label),
            "notice_days": item.terms.notice_days,
            "notice_ends": item.notice_end.day.isoformat(),
            "earliest_effective": item.earliest_effective.isoformat(),
            "objection_deadline": item.objection_deadline.day.isoformat() if item.objection_deadline else None,
            "consent_needed": item.consent,
        }
        for item in items
    ]
