"""Signed registry snapshots: each registry version as one canonical JSON document (RFC 8785), its bytes fixed once,
and the check anyone can make of a saved copy with the portal's public key.

What version n says: the registry on the version's effective date, as the dated rows stood when the version was
published. Names, descriptions and terms are edited in place (they are not dated), and a later publication may take
effect before an earlier one, so the document is not made again on each request: its bytes are stored once, in the
publication's transaction, and served from there. A version published before the table existed is stored the first
time it is asked for (then the rows as they stand that day decide); from then on its bytes never change.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

import rfc8785
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from registry.audit import checkpoints, signing
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import Announcement, Location, Processor, PublishedVersion, RegistryVersion
from registry.subprocessors.snapshot import RegistrySnapshot, get_processor, registry_on
from registry.subprocessors.versions import get_version
from registry.text import _

# The document's format; a change of its fields gets a new number (and keeps the old documents as they were).
SCHEMA = "subprocessor-registry/registry-version/1"
MEDIA_TYPE = "application/json"
SIGNATURE_MEDIA_TYPE = "text/plain"


def _location(loc: Location, day) -> dict:
    return {
        "country": loc.country_code,
        "place": loc.place,
        "role": loc.role,
        "outside_eea": loc.outside_eea_on(day),
        "transfer_basis": loc.transfer_basis,
        "source": loc.source,
    }


def _sub_processor(snapshot: RegistrySnapshot, link, path: frozenset) -> dict:
    """A sub-processor with its dated engagement (or onward link) and its own chain below it (a cycle is cut)."""
    sp, day = link.sub_processor, snapshot.day
    path = path | {sp.id}
    return {
        "key": sp.key,
        "name": sp.name,
        "legal_name": sp.legal_name,
        "established_in": sp.established_in,
        "purpose": getattr(link, "purpose", None) or sp.description,
        "engaged_from": link.valid_from.isoformat(),
        "engaged_until": link.valid_until.isoformat() if link.valid_until else None,
        "source": link.source,
        "dpa_in_place": sp.dpa_in_place,
        "outside_eea": sp.outside_eea_on(day),
        "locations": [_location(loc, day) for loc in sp.locations_on(day)],
        "sub_processors": [
            _sub_processor(snapshot, onward, path)
            for onward in snapshot.onward_links.get(sp.id, [])
            if onward.sub_processor_id not in path
        ],
    }


def document(version: RegistryVersion) -> dict:
    """The document of a version: who, which version, from when, and the registry on its effective date."""
    processor = db.session.get(Processor, version.processor_id)
    snapshot = registry_on(processor.slug, version.effective_date)
    terms = snapshot.terms
    return {
        "schema": SCHEMA,
        "processor": {
            "slug": processor.slug,
            "name": processor.name,
            "legal_name": processor.legal_name,
            "kvk_number": processor.kvk_number,
            "address": processor.address,
        },
        "version": version.number,
        "event": version.event,
        "announcement": version.announcement.number if version.announcement is not None else None,
        "effective_date": version.effective_date.isoformat(),
        "published_at": version.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "contract_terms": None
        if terms is None
        else {
            "version": terms.version,
            "effective_from": terms.effective_from.isoformat(),
            "source_document": terms.source_document,
            "sub_processor_list": {"article": terms.list_article, "text": terms.list_text},
        },
        "services": [
            {
                "key": entry.service.key,
                "name": entry.service.name,
                "sub_processors": [_sub_processor(snapshot, e, frozenset()) for e in entry.engagements],
            }
            for entry in snapshot.services
        ],
    }


def canonical(data: dict) -> bytes:
    """RFC 8785: sorted keys, no whitespace, UTF-8, numbers as ECMAScript writes them."""
    return rfc8785.dumps(data)


def record(version: RegistryVersion) -> PublishedVersion:
    """Store the version's bytes in the caller's transaction (publishing, withdrawing: one transaction)."""
    db.session.flush()
    db.session.expire_all()  # collections loaded before the publication's rows were added are read again
    body = canonical(document(version))
    row = PublishedVersion(
        version_id=version.id,
        processor_id=version.processor_id,
        document=body,
        sha256=hashlib.sha256(body).hexdigest(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def forget_first(processor: Processor) -> None:
    """The first import records the registry as first listed: version 1 is that list, not the empty one before."""
    first = select(RegistryVersion.id).where(RegistryVersion.processor_id == processor.id, RegistryVersion.number == 1)
    db.session.execute(delete(PublishedVersion).where(PublishedVersion.version_id.in_(first)))


def _stored(version: RegistryVersion) -> PublishedVersion | None:
    return db.session.scalar(select(PublishedVersion).where(PublishedVersion.version_id == version.id))


def stored_bytes(version: RegistryVersion) -> bytes:
    """The version's bytes; a version published before they were kept is stored now (its own short transaction:
    whoever stores it first wins, and the others serve that)."""
    row = _stored(version)
    if row is not None:
        return row.document
    number, processor_id = version.number, version.processor_id
    try:
        body = record(version).document
        db.session.commit()
        return body
    except (IntegrityError, OperationalError):
        db.session.rollback()
    version = db.session.scalar(
        select(RegistryVersion).where(RegistryVersion.processor_id == processor_id, RegistryVersion.number == number)
    )
    row = _stored(version)
    # A database busy with another writer: serve what would be stored; the next request stores it.
    return row.document if row is not None else canonical(document(version))


@dataclass(frozen=True)
class SignedVersion:
    version: RegistryVersion
    body: bytes
    signature: str  # base64 of the 64-byte Ed25519 signature over `body`
    key_id: str


def signed(slug: str, number: int) -> SignedVersion:
    """A version's bytes and the portal's signature over them (Ed25519 is deterministic: the same key, the same
    signature, so it is made when asked and follows the key the portal publishes)."""
    version = get_version(get_processor(slug), number)
    body = stored_bytes(version)
    key = checkpoints.key()
    return SignedVersion(version, body, key.sign(body), key.key_id)


def listed(slug: str) -> tuple[Processor, list[RegistryVersion]]:
    """A processor and its published versions, by number (drafts make none)."""
    processor = get_processor(slug)
    rows = db.session.scalars(
        select(RegistryVersion)
        .where(RegistryVersion.processor_id == processor.id)
        .options(selectinload(RegistryVersion.announcement).selectinload(Announcement.withdrawal_version))
        .order_by(RegistryVersion.number)
    )
    return processor, list(rows)


def withdrawn_in(version: RegistryVersion) -> int | None:
    """The number of the version that withdrew this one's announcement: a published version stays available (it
    was published, and signed copies of it may be kept), and says that it was withdrawn."""
    announcement = version.announcement
    if version.event != "publication" or announcement is None or announcement.withdrawal_version is None:
        return None
    return announcement.withdrawal_version.number


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: object  # a Text: why it fails, or what was checked


def check(body: bytes, signature_text: str, public_key: str) -> Verdict:
    """Whether a saved document and its signature (the .sig file's base64) verify with a public key (base64 of the
    32 raw bytes, as /.well-known/subprocessor-registry.json publishes it); a changed byte fails."""
    try:
        raw = base64.b64decode(signature_text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return Verdict(False, _("The signature is not base64."))
    if len(raw) != 64:
        return Verdict(False, _("The signature has %(count)s bytes; an Ed25519 signature has 64.", count=len(raw)))
    if not signing.verify(public_key, signature_text.strip(), body):
        return Verdict(
            False,
            _(
                "The signature does not match: the file was changed, or it was signed with another key than "
                "%(key_id)s.",
                key_id=signing.key_id(public_key),
            ),
        )
    return Verdict(True, _("Valid: signed with key %(key_id)s.", key_id=signing.key_id(public_key)))


def verify(body: bytes, signature_text: str, key_text: str | None = None) -> Verdict:
    """`check` with a public key given as text (see public_key_from), or this portal's own."""
    public_key = checkpoints.key().public_key if key_text is None else public_key_from(key_text)
    return check(body, signature_text, public_key)


def public_key_from(text: str) -> str:
    """A public key given as base64 of its 32 raw bytes, or the text of a saved .well-known or checkpoints
    document that names it ('public_key')."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        keys = data.get("keys") or [data] if isinstance(data, dict) else []
        text = str(keys[0].get("public_key", "")) if keys and isinstance(keys[0], dict) else ""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(_("The key is not base64 of a 32-byte Ed25519 public key."), "key") from None
    if len(raw) != 32:
        raise DomainError(_("The key is not base64 of a 32-byte Ed25519 public key."), "key")
    return text
