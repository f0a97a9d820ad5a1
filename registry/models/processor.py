"""A processor, its services and the versions of its contract terms."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.types import Bilingual, UTCDateTime, utcnow
from registry.text import _, message

AUTHORISATIONS = {"general": _("General written authorisation"), "specific": _("Specific prior written authorisation")}
# Shown in the deadline table of an announcement: _(value ~ " authorisation").
AUTHORISATION_SHORT = {"general": _("general authorisation"), "specific": _("specific authorisation")}
OBJECTION_ROUTES = {
    "objection": _("The controller may object"),
    "consent": _("The controller gives or refuses consent"),
}
TRANSFER_RULES = {
    "consent_required": _("Outside the EEA only with the controller's prior written consent"),
    "adequacy_or_scc": _("Outside the EEA under an adequacy decision or standard contractual clauses"),
}
LIST_PUBLICATION = {"annex": "Listed in an annex to the contract", "on_request": "Given on request"}


class Processor(Bilingual, db.Model):
    """A data processor that publishes its sub-processor registry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    kvk_number: Mapped[str | None] = mapped_column(String(20))
    source_document: Mapped[str | None] = mapped_column(String(300))
    list_publication: Mapped[str] = mapped_column(String(20), default="annex")
    # The registry's own notes, in English, and (`*_nl`) in Dutch: a page shows the one of its language.
    list_note: Mapped[str | None] = mapped_column(Text)
    list_note_nl: Mapped[str | None] = mapped_column(Text)
    listed_since: Mapped[date] = mapped_column()
    listed_since_note: Mapped[str | None] = mapped_column(Text)
    listed_since_note_nl: Mapped[str | None] = mapped_column(Text)
    # Moved on in the same transaction as every publication or withdrawal, so that
    # a feed request can answer 304 from one primary-key read.
    feed_serial: Mapped[int] = mapped_column(default=0, server_default="0")
    feed_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its own face (optional): the accent colour of its pages and mails (#rrggbb, white text on it readable) and
    # its logo (ProcessorLogo).
    accent_colour: Mapped[str | None] = mapped_column(String(7))
    # The language its own lists are written in (the annexes' purposes, descriptions, data categories): nl or en.
    data_language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")

    services: Mapped[list[Service]] = relationship(back_populates="processor", order_by="Service.position")
    contract_terms: Mapped[list[ContractTerms]] = relationship(
        back_populates="processor", order_by="ContractTerms.effective_from.desc()"
    )

    def terms_at(self, day: date) -> ContractTerms | None:
        """The contract-terms version in force on a day (the newest that started by then)."""
        for terms in self.contract_terms:
            if terms.effective_from <= day:
                return terms
        return None


class Service(db.Model):
    """A service of a processor, as its annex describes the processing."""

    __table_args__ = (UniqueConstraint("processor_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    data_categories: Mapped[list] = mapped_column(JSON, default=list)
    data_subjects: Mapped[list] = mapped_column(JSON, default=list)
    purposes: Mapped[list] = mapped_column(JSON, default=list)
    retention: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    processor: Mapped[Processor] = relationship(back_populates="services")


class ContractTerms(db.Model):
    """One version of the sub-processor rules a processor's contract lays down, each with its article."""

    __table_args__ = (UniqueConstraint("processor_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    version: Mapped[str] = mapped_column(String(60))
    effective_from: Mapped[date] = mapped_column()
    source_document: Mapped[str | None] = mapped_column(String(300))

    authorisation: Mapped[str] = mapped_column(String(20))
    authorisation_article: Mapped[str | None] = mapped_column(String(40))
    authorisation_text: Mapped[str | None] = mapped_column(Text)

    # The processor's notice period: how long before the effective date it announces a change. From the
    # contract where it states a number ("contract"), otherwise the processor's own stated policy ("policy").
    notice_days: Mapped[int] = mapped_column(default=30)
    notice_source: Mapped[str] = mapped_column(String(20), default="policy", server_default="policy")
    notice_article: Mapped[str | None] = mapped_column(String(40))
    notice_text: Mapped[str | None] = mapped_column(Text)

    objection_route: Mapped[str] = mapped_column(String(20))
    objection_article: Mapped[str | None] = mapped_column(String(40))
    objection_text: Mapped[str | None] = mapped_column(Text)
    # The controller's period to object, only where the contract states one (none of the seed contracts does).
    objection_days: Mapped[int | None] = mapped_column()
    objection_period_article: Mapped[str | None] = mapped_column(String(40))
    # "Consent may not be unreasonably withheld": only where the contract says so (e.g. Contict art. 5.1).
    consent_reasonable: Mapped[bool] = mapped_column(default=False, server_default="0")
    consent_reasonable_article: Mapped[str | None] = mapped_column(String(40))

    termination_allowed: Mapped[bool] = mapped_column(default=False)
    termination_months: Mapped[int | None] = mapped_column()
    termination_article: Mapped[str | None] = mapped_column(String(40))
    termination_text: Mapped[str | None] = mapped_column(Text)

    transfer_rule: Mapped[str] = mapped_column(String(30))
    transfer_article: Mapped[str | None] = mapped_column(String(40))
    transfer_text: Mapped[str | None] = mapped_column(Text)
    named_transfer_bases: Mapped[list] = mapped_column(JSON, default=list)

    list_article: Mapped[str | None] = mapped_column(String(40))
    list_text: Mapped[str | None] = mapped_column(Text)
    # The *_text fields quote the contract in its own (Dutch) words; English renderings, marked as translations.
    texts_en: Mapped[dict] = mapped_column(JSON, default=dict)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    processor: Mapped[Processor] = relationship(back_populates="contract_terms")

    @property
    def authorisation_label(self) -> message.Text | str:
        return AUTHORISATIONS.get(self.authorisation, self.authorisation)

    @property
    def objection_label(self) -> message.Text | str:
        return OBJECTION_ROUTES.get(self.objection_route, self.objection_route)

    @property
    def transfer_label(self) -> message.Text | str:
        return TRANSFER_RULES.get(self.transfer_rule, self.transfer_rule)

    @property
    def notice_in_contract(self) -> bool:
        """Whether the notice period is a term of the contract rather than the processor's own policy."""
        return self.notice_source == "contract"

    @property
    def has_objection_period(self) -> bool:
        return self.objection_days is not None

    def text_in(self, name: str, language: str) -> tuple[str | None, bool]:
        """The contract's words for a term (`name` as in `notice_text`), and whether they are a translation."""
        original = getattr(self, f"{name}_text")
        if language == "en" and (self.texts_en or {}).get(name):
            return self.texts_en[name], True
        return original, False

    @property
    def consent_needed_outside_eea(self) -> bool:
        """Whether a transfer outside the EEA needs the controller's consent under these terms."""
        return self.transfer_rule == "consent_required"


class ProcessorLogo(db.Model):
    """A processor's logo as uploaded (PNG or JPEG, checked by its bytes), served from /processors/<slug>/logo."""

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
