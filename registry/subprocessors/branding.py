"""A processor's own face, optional: an accent colour for its pages and mails, and its logo. The colour must keep
white text on it readable: a contrast ratio of at least 4.5:1 (WCAG 2.1, success criterion 1.4.3, with the
relative luminance and contrast ratio as WCAG 2.1 defines them). The logo is a PNG or JPEG, judged by its bytes
(an SVG could carry script), of at most 200 KB."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import Processor, ProcessorLogo, User
from registry.models.types import utcnow
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.text import _

HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
MINIMUM_CONTRAST = 4.5  # WCAG 2.1 SC 1.4.3, normal text
LOGO_BYTES = 200 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour #rrggbb."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), white being the lighter."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def accent(raw: str) -> str | None:
    """The colour as stored (#rrggbb, lower case), None for none; refused when white text on it is hard to read."""
    value = (raw or "").strip().lower()
    if not value:
        return None
    if re.fullmatch(r"[0-9a-f]{6}", value):
        value = "#" + value
    if not HEX_COLOUR.match(value):
        raise DomainError(_("Give the colour as #rrggbb, e.g. #0b5394."), "accent_colour")
    ratio = contrast_with_white(value)
    if ratio < MINIMUM_CONTRAST:
        raise DomainError(
            _(
                "White text on %(colour)s has a contrast of %(ratio)s:1; at least 4.5:1 is needed (WCAG 2.1, "
                "1.4.3). Choose a darker colour.",
                colour=value,
                ratio=f"{int(ratio * 100) / 100:.2f}",
            ),
            "accent_colour",
        )
    return value


def logo_type(data: bytes) -> str:
    """The logo's content type from its first bytes; refused when it is not a PNG or JPEG or too large."""
    if len(data) > LOGO_BYTES:
        message = _("The logo is larger than 200 KB. Save it smaller (a PNG of about 400 × 120 pixels).")
        raise DomainError(message, "logo")
    for magic, content_type in LOGO_TYPES.items():
        if data.startswith(magic):
            return content_type
    raise DomainError(_("The logo must be a PNG or JPEG image."), "logo")


def _editable(actor: User, processor_id: int) -> Processor:
    processor = locked(Processor, processor_id)
    if processor is None or not actor.may_edit(processor):
        raise NotFound(_("No such processor."))
    return processor


def logo_of(processor: Processor) -> ProcessorLogo | None:
    return db.session.scalar(select(ProcessorLogo).filter_by(processor_id=processor.id))


def published_accent(slug: str) -> str:
    """The accent colour of the processor with this slug, for its style sheet; NotFound when it has none."""
    colour = db.session.scalar(select(Processor.accent_colour).where(Processor.slug == slug))
    if not colour or not HEX_COLOUR.match(colour):
        raise NotFound(_("No colour here."))
    return colour


def published_logo(slug: str) -> ProcessorLogo:
    """The logo of the processor with this slug, for its public address; NotFound when it has none."""
    found = db.session.scalar(select(ProcessorLogo).join(Processor).where(Processor.slug == slug))
    if found is None:
        raise NotFound(_("No logo here."))
    return found


@one_transaction
def set_face(actor: User, processor_id: int, colour: str, logo: bytes | None) -> Processor:
    """Keep the accent colour (empty: none) and, when one is given, a new logo; each change on record."""
    processor = _editable(actor, processor_id)
    wanted = accent(colour)
    content_type = logo_type(logo) if logo else None
    if wanted != processor.accent_colour:
        trail.record(
            actor,
            "processor.accent",
            processor,
            _("Set the accent colour of %(name)s to %(colour)s", name=processor.name, colour=wanted or "-"),
            processor_id=processor.id,
            details={"changes": {"accent_colour": [processor.accent_colour, wanted]}},
        )
        processor.accent_colour = wanted
    if logo:
        digest = hashlib.sha256(logo).hexdigest()
        stored = logo_of(processor)
        if stored is None or stored.sha256 != digest:
            if stored is None:
                stored = ProcessorLogo(processor_id=processor.id)
                db.session.add(stored)
            stored.content_type, stored.data, stored.sha256, stored.updated_at = content_type, logo, digest, utcnow()
            trail.record(
                actor,
                "processor.logo",
                processor,
                _("New logo of %(name)s", name=processor.name),
                processor_id=processor.id,
                details={"sha256": digest, "bytes": len(logo), "type": content_type},
            )
    db.session.commit()
    return processor


@one_transaction
def remove_logo(actor: User, processor_id: int) -> None:
    processor = _editable(actor, processor_id)
    stored = logo_of(processor)
    if stored is None:
        return
    db.session.delete(stored)
    trail.record(
        actor,
        "processor.logo_removed",
        processor,
        _("Removed the logo of %(name)s", name=processor.name),
        processor_id=processor.id,
    )
    db.session.commit()
