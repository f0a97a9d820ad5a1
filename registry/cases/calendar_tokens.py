"""A controller organisation's calendar address: made, renewed (a new secret; the old address stops at once) and
revoked by any of its controller users, each step in the audit log (never the secret itself).

The secret is stored as it is, like a subscription's manage token (registry.models.mail), not hashed: the address
must be shown again to the organisation's users, to paste into another calendar app, and it opens nothing but the
dates of the organisation's own contracts. Renewing is the answer to an address that went too far."""

from __future__ import annotations

from sqlalchemy import select

from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import LANGUAGES, CalendarToken, Organisation, User
from registry.models.mail import new_token
from registry.models.types import utcnow
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.text import _


def _require_controller(actor: User) -> None:
    if actor.role != "controller" or actor.organisation_id is None or not actor.active:
        raise DomainError(_("Only a user of the organisation manages its calendar."))


def _language(language: str) -> str:
    return language if language in LANGUAGES else "en"


def of(actor: User) -> CalendarToken | None:
    """The actor's organisation's calendar address, active or revoked; None before one was made."""
    _require_controller(actor)
    return db.session.scalar(select(CalendarToken).filter_by(organisation_id=actor.organisation_id))


def by_token(token: str) -> CalendarToken:
    """The active calendar address with this secret; NotFound for any other string (revoked, renewed, made up)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        raise NotFound(_("No such calendar."))
    found = db.session.scalar(select(CalendarToken).filter_by(token=token))
    if found is None:
        raise NotFound(_("No such calendar."))
    return found


def _own(actor: User, calendar_id: int) -> CalendarToken:
    """The actor's organisation's calendar address, locked; NotFound for another organisation's (or none)."""
    _require_controller(actor)
    found = locked(CalendarToken, calendar_id)
    if found is None or found.organisation_id != actor.organisation_id:
        raise NotFound(_("No such calendar of your organisation."))
    return found


def _record(actor: User, action: str, calendar: CalendarToken, summary) -> None:
    trail.record(actor, action, calendar, summary, details={"organisation_id": calendar.organisation_id})


@one_transaction
def create(actor: User, language: str) -> CalendarToken:
    """Give the actor's organisation a calendar address (again, after a revocation); one that works stays as it is."""
    _require_controller(actor)
    locked(Organisation, actor.organisation_id)
    calendar = db.session.scalar(select(CalendarToken).filter_by(organisation_id=actor.organisation_id))
    if calendar is not None and calendar.active:
        raise DomainError(_("Your organisation has a calendar address already; renew it to get a new one."))
    now = utcnow()
    if calendar is None:
        calendar = CalendarToken(organisation_id=actor.organisation_id, created_at=now)
        db.session.add(calendar)
    calendar.token, calendar.language, calendar.revoked_at = new_token(), _language(language), None
    calendar.created_by_id, calendar.created_at = actor.id, now
    db.session.flush()
    name = actor.organisation.name
    _record(actor, "calendar.create", calendar, _("Made a calendar address for %(name)s", name=name))
    db.session.commit()
    return calendar


@one_transaction
def renew(actor: User, calendar_id: int, language: str) -> CalendarToken:
    """A new secret for the organisation's calendar address: the old address answers 404 from now on."""
    calendar = _own(actor, calendar_id)
    calendar.token, calendar.language, calendar.revoked_at = new_token(), _language(language), None
    calendar.renewed_at = utcnow()
    name = actor.organisation.name
    _record(actor, "calendar.renew", calendar, _("Renewed the calendar address of %(name)s", name=name))
    db.session.commit()
    return calendar


@one_transaction
def revoke(actor: User, calendar_id: int) -> CalendarToken:
    """Stop the organisation's calendar address; a new one can be made later (with a new secret)."""
    calendar = _own(actor, calendar_id)
    if not calendar.active:
        raise DomainError(_("The calendar address was revoked already."))
    calendar.token, calendar.revoked_at = None, utcnow()
    name = actor.organisation.name
    _record(actor, "calendar.revoke", calendar, _("Revoked the calendar address of %(name)s", name=name))
    db.session.commit()
    return calendar
