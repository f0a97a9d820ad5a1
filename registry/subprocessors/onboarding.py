"""The site admin onboards a processor: its identity and slug, recorded with an empty registry (version 1, as first
recorded today) that its editors then fill."""

from __future__ import annotations

import re

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import Processor, User
from registry.storage.transactions import one_transaction
from registry.subprocessors.editing import SLUG, slugify
from registry.subprocessors.snapshot import today
from registry.subprocessors.versions import ensure_initial_version
from registry.text import _

# Words a slug may not be: "new" is /admin/processors/new; the others are kept for pages of a processor's side
# that the portal has or plans (users, import) and for the site's own top-level paths. The portal's own policy.
RESERVED_SLUGS = frozenset({"new", "edit", "users", "import", "admin", "api", "portal", "feed", "static", "login"})
# The Dutch trade register (Kamer van Koophandel, kvk.nl) gives every registration a KvK number of eight digits.
# A registration elsewhere is kept as typed, with a letter in it (its register or country): the portal's own
# policy, an interpretation, since the formats differ per country; a number of digits only is read as a KvK number.
KVK_DIGITS = re.compile(r"^[0-9]{8}$")
REGISTRATION_LENGTH = 20
# Any constant, apart from the audit chain's: the key of PostgreSQL's transaction-level advisory lock that lets one
# onboarding at a time check that a name is free (names have no unique index; slugs do).
_ONBOARDING_LOCK = 14_2026


def registration_number(raw: str) -> str:
    """A Dutch KvK number (eight digits; spaces, dots and hyphens left out) or a registration elsewhere as typed."""
    value = " ".join(raw.split())
    if not value:
        raise DomainError(_("Give the KvK number or, outside the Netherlands, the registration number."), "kvk_number")
    if not any(c.isalpha() for c in value):  # no register or country named: read as a KvK number
        digits = value.replace(" ", "").replace(".", "").replace("-", "")
        if not KVK_DIGITS.match(digits):
            raise DomainError(
                _(
                    "A KvK number has 8 digits (this has %(count)s). A registration outside the Netherlands "
                    "starts with its register or country, e.g. 'HRB 12345' or 'BE 0123.456.789'.",
                    count=sum(c.isdigit() for c in value),
                ),
                "kvk_number",
            )
        return digits
    if len(value) > REGISTRATION_LENGTH:
        raise DomainError(
            _("A registration number is kept in at most %(count)s characters.", count=REGISTRATION_LENGTH),
            "kvk_number",
        )
    return value


def identity(values: dict) -> dict:
    """Name, legal name and address (spaces and line breaks joined; each required) and the registration number,
    checked: what onboarding and the profile form both keep."""
    checked = {k: " ".join((values.get(k) or "").split()) for k in ("name", "legal_name", "address")}
    for field, message in [
        ("name", _("Give the processor's name.")),
        ("legal_name", _("Give the legal name as registered.")),
        ("address", _("Give the processor's address.")),
    ]:
        if not checked[field]:
            raise DomainError(message, field)
    checked["kvk_number"] = registration_number(values.get("kvk_number") or "")
    checked["data_language"] = values.get("data_language") or "nl"
    if checked["data_language"] not in ("nl", "en"):
        raise DomainError(_("Choose English or Nederlands."), "data_language")
    return checked


def processor_slug(name: str, wanted: str) -> str:
    """The slug typed, or one made from the name; checked for its form and against the reserved words."""
    slug = wanted or slugify(name)
    if not slug:
        raise DomainError(_("The name needs at least one letter or digit, or give a slug."), "slug")
    if len(slug) > 64 or not SLUG.match(slug):
        raise DomainError(
            _("The slug may hold lower-case letters a-z, digits and single hyphens only, at most 64."), "slug"
        )
    if slug in RESERVED_SLUGS:
        raise DomainError(_("'%(slug)s' is a word the portal's addresses use; choose another slug.", slug=slug), "slug")
    return slug


def _check_unique(name: str, slug: str) -> None:
    """Refuse a slug or name (in any case) that is taken; taken in turns, so that two admins adding the same
    processor at once get one processor and the same answer as a double submit. (SQLite has one writer at a time,
    and write requests begin IMMEDIATE: see storage/engine.py.) Taken before the audit chain's lock, never after."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ONBOARDING_LOCK})
    if db.session.scalar(select(Processor.id).where(Processor.slug == slug)) is not None:
        raise DomainError(_("A processor with the slug '%(slug)s' exists already.", slug=slug), "slug")
    if db.session.scalar(select(Processor.id).where(func.lower(Processor.name) == name.lower())) is not None:
        raise DomainError(_("A processor named '%(name)s' exists already.", name=name), "name")


@one_transaction
def create_processor(actor: User, values: dict) -> Processor:
    """A new processor with an empty registry, listed from today (Europe/Amsterdam); only a site admin onboards."""
    processor = new_processor(actor, values)
    db.session.commit()
    return processor


def new_processor(actor: User, values: dict) -> Processor:
    """As create_processor, for the caller's transaction (registry.mail.invitations.onboard invites the first
    editor in it); the caller commits."""
    if not actor.is_admin:
        raise DomainError(_("Only a site admin adds a processor."))
    checked = identity(values)
    name, legal_name, address, kvk_number = (checked[k] for k in ("name", "legal_name", "address", "kvk_number"))
    language = checked["data_language"]
    slug = processor_slug(name, (values.get("slug") or "").strip())
    _check_unique(name, slug)
    processor = Processor(
        slug=slug,
        name=name,
        legal_name=legal_name,
        address=address,
        kvk_number=kvk_number,
        listed_since=today(),
        data_language=language,
    )
    db.session.add(processor)
    try:
        db.session.flush()
    except IntegrityError as error:  # another admin took the slug in the meantime: the same answer as above
        raise DomainError(_("A processor with the slug '%(slug)s' exists already.", slug=slug), "slug") from error
    ensure_initial_version(processor)
    trail.record(
        actor,
        "processor.create",
        processor,
        _("Added processor %(name)s (%(slug)s)", name=name, slug=slug),
        processor_id=processor.id,
        details={"changes": {"name": name, "legal_name": legal_name, "address": address, "kvk_number": kvk_number}},
    )
    return processor
