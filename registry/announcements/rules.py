"""What an announcement must meet before it is saved or published: its services, the change it names (the
sub-processor it adds, replaces or removes), the locations and transfer bases, and an effective date that respects
the notice every affected contract gives."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.announcements import deadlines
from registry.exceptions import DomainError
from registry.extensions import db
from registry.law import transfers
from registry.models import KINDS, Engagement, Processor, Service, SubProcessor
from registry.text import _, ngettext, one_full_stop
from registry.text.plain import is_plain

MIN_JUSTIFICATION = 20
ROLES = ("processing", "back-up")


def open_engagements(sp_id: int, service_ids: list[int], day: date) -> dict[int, Engagement]:
    """The engagements of a sub-processor for these services that are in force (or planned) on a day."""
    rows = db.session.scalars(
        select(Engagement).where(
            Engagement.sub_processor_id == sp_id,
            Engagement.service_id.in_(service_ids),
            Engagement.cancelled.is_(False),
            Engagement.valid_from <= day,
            (Engagement.valid_until.is_(None)) | (Engagement.valid_until > day),
        )
    )
    return {row.service_id: row for row in rows}


def _services(processor: Processor, ids: list[int]) -> list[Service]:
    if not ids:
        raise DomainError(_("Choose at least one service the change applies to."), "service_ids")
    services = db.session.scalars(select(Service).where(Service.id.in_(ids))).all()
    if len(services) != len(set(ids)) or any(s.processor_id != processor.id for s in services):
        raise DomainError(_("Choose services of %(name)s only.", name=processor.name), "service_ids")
    return sorted(services, key=lambda s: s.position)


def _sub_processor(processor: Processor, sp_id: int | None, field: str, what: str) -> SubProcessor:
    sp = db.session.get(SubProcessor, sp_id) if sp_id else None
    if sp is None or sp.processor_id != processor.id or sp.parent_id is not None:
        raise DomainError(_("Choose the sub-processor %(what)s.", what=what), field)
    return sp


def governing_terms(processor: Processor, services: list[Service], day: date) -> list:
    """Every contract-terms version that governs a contract taking one of these services (or the current terms)."""
    seen = {}
    for item in deadlines.per_contract(processor, services, day):
        seen.setdefault(item.terms.id, item.terms)
    return list(seen.values())


def _locations(raw: list[dict], day: date, terms: list | None = None, dpf_certified: bool | None = None) -> list[dict]:
    """Checked locations: a known country or worldwide, and outside the EEA a chapter V tool that holds on the day
    and that the transfer rule of every governing contract allows (VTM art. 10.1: adequacy or SCC only)."""
    cleaned = []
    for number, loc in enumerate(raw, start=1):
        country = (loc.get("country") or "").upper() or None
        if country is not None and not transfers.is_country_code(country):
            raise DomainError(
                _("Location %(number)s: '%(country)s' is not a country code.", number=number, country=country),
                "locations",
            )
        role = loc.get("role") or "processing"
        if role not in ROLES:
            raise DomainError(
                _("Location %(number)s: the role must be processing or back-up.", number=number), "locations"
            )
        basis = loc.get("transfer_basis") or None
        if not transfers.in_eea(country, day):
            where = transfers.named_country(country)
            check = transfers.check_basis(basis, country, day, dpf_certified)
            problem = None if check.valid else check.problem
            for governing in terms or []:
                problem = problem or transfers.check_allowed(basis, governing.transfer_rule, governing.transfer_article)
            if problem:
                raise DomainError(
                    _(
                        "Location %(number)s (%(where)s) is outside the EEA on %(day)s: %(problem)s.",
                        number=number,
                        where=where,
                        day=day,
                        problem=problem,
                    ),
                    "locations",
                )
        else:
            basis = None
        cleaned.append(
            {
                "country": country,
                "place": (loc.get("place") or "").strip() or None,
                "role": role,
                "transfer_basis": basis,
            }
        )
    return cleaned


def _check_change(processor: Processor, data: dict, services: list[Service]) -> dict:
    """The kind-specific rules; returns the fields to store."""
    if data.get("parent_id"):
        from registry.announcements import (
            onward,  # a change down the chain; onward uses this module's rules for a new entity
        )

        return onward.check_change(processor, data, services)
    kind, day = data["kind"], data["effective_date"]
    service_ids = [s.id for s in services]
    names = {s.id: s.name for s in services}
    fields = {
        "parent_id": None,
        "target_id": None,
        "entity_id": None,
        "new_name": None,
        "new_legal_name": None,
        "new_established_in": None,
        "new_description": None,
        "new_dpa_in_place": None,
        "locations": [],
    }
    if kind in ("replace", "remove", "change_locations"):
        target = _sub_processor(processor, data.get("target_id"), "target_id", "the change is about")
        engaged = open_engagements(target.id, service_ids, day)
        for service in services:
            if service.id not in engaged:
                raise DomainError(
                    _(
                        "%(target)s is not engaged for '%(service)s' on %(day)s.",
                        target=target.name,
                        service=service.name,
                        day=day,
                    ),
                    "target_id",
                )
            ends = engaged[service.id].valid_until
            if kind in ("replace", "remove") and ends is not None:
                raise DomainError(
                    _(
                        "%(target)s is already announced to leave '%(service)s' on %(ends)s.",
                        target=target.name,
                        service=service.name,
                        ends=ends,
                    ),
                    "target_id",
                )
        fields["target_id"] = target.id
    if kind == "change_locations":
        everywhere = open_engagements(target.id, [s.id for s in processor.services], day)
        missing = [e.service.name for sid, e in everywhere.items() if sid not in names]
        if missing:
            raise DomainError(
                _(
                    "%(target)s also serves %(items)s: a change of its locations concerns those services too; "
                    "choose them as well.",
                    target=target.name,
                    items=", ".join(sorted(missing)),
                ),
                "service_ids",
            )
        fields["locations"] = _locations(
            data.get("locations") or [], day, governing_terms(processor, services, day), target.dpf_certified
        )
        if not fields["locations"]:
            raise DomainError(_("Give at least one location."), "locations")
    if kind in ("add", "replace"):
        fields.update(
            incoming(
                processor,
                data,
                service_ids,
                names,
                day,
                fields.get("target_id"),
                governing_terms(processor, services, day),
            )
        )
    return fields


def incoming(processor, data, service_ids, names, day, target_id, terms) -> dict:
    """The sub-processor a change brings in: an existing entity of this processor or a new one."""
    if data.get("entity_id"):
        entity = _sub_processor(processor, data["entity_id"], "entity_id", "to bring in")
        if entity.id == target_id:
            raise DomainError(_("A sub-processor cannot replace itself."), "entity_id")
        engaged = open_engagements(entity.id, service_ids, day)
        if engaged:
            taken = ", ".join(names[sid] for sid in engaged)
            raise DomainError(
                _("%(entity)s is already engaged for %(taken)s on %(day)s.", entity=entity.name, taken=taken, day=day),
                "entity_id",
            )
        if data.get("locations"):
            raise DomainError(
                _(
                    "%(entity)s keeps its own locations; announce a change of locations separately, or leave "
                    "the locations empty.",
                    entity=entity.name,
                ),
                "locations",
            )
        return {"entity_id": entity.id, "locations": []}
    name = (data.get("new_name") or "").strip()
    if not name:
        raise DomainError(_("Choose an existing sub-processor or give the name of a new one."), "new_name")
    if not (is_plain(name) and is_plain(data.get("new_legal_name") or "")):
        raise DomainError(
            _(
                "A name is one line of plain text, without line breaks, control characters or "
                "text-direction characters."
            ),
            "new_name",
        )
    country = (data.get("new_established_in") or "").upper() or None
    if country and not transfers.is_country_code(country):
        raise DomainError(_("'%(country)s' is not a country code.", country=country), "new_established_in")
    # A new entity has no recorded DPF certification: adequacy cannot cover it in the United States.
    locations = _locations(data.get("locations") or [], day, terms, None)
    if not locations:
        raise DomainError(
            one_full_stop(_("Give at least one processing location of %(name)s.", name=name)), "locations"
        )
    return {
        "new_name": name,
        "new_legal_name": (data.get("new_legal_name") or "").strip() or None,
        "new_established_in": country,
        "new_description": data.get("new_description") or None,
        "new_dpa_in_place": data.get("new_dpa_in_place"),
        "locations": locations,
    }


def check_effective_date(
    processor: Processor,
    services: list[Service],
    effective: date,
    urgent: bool,
    justification: str | None,
    announced_on: date,
) -> None:
    """Refuse a date in the past, or one that breaks the notice period of an affected contract."""
    if effective < announced_on:
        raise DomainError(_("The effective date %(effective)s is in the past.", effective=effective), "effective_date")
    if urgent:
        if len((justification or "").strip()) < MIN_JUSTIFICATION:
            raise DomainError(
                _(
                    "An urgent change needs a written justification of at least %(min_justification)s characters.",
                    min_justification=MIN_JUSTIFICATION,
                ),
                "urgency_justification",
            )
        return
    for item in deadlines.per_contract(processor, services, announced_on):
        if effective < item.earliest_effective:
            raise DomainError(
                ngettext(
                    "Too early for %(label)s: %(num)s day's notice (%(source)s) means the change can take "
                    "effect on %(earliest_effective)s at the earliest.",
                    "Too early for %(label)s: %(num)s days' notice (%(source)s) means the change can take "
                    "effect on %(earliest_effective)s at the earliest.",
                    item.terms.notice_days,
                    label=item.label,
                    source=item.notice_source_label,
                    earliest_effective=item.earliest_effective,
                ),
                "effective_date",
            )


def validate(processor: Processor, data: dict, announced_on: date) -> tuple[list[Service], dict]:
    """Every rule an announcement must meet; DomainError names the first one broken."""
    if data.get("kind") not in KINDS:
        raise DomainError(_("Choose what kind of change this is."), "kind")
    if not (data.get("reason") or "").strip():
        raise DomainError(_("Give the reason for the change."), "reason")
    if data.get("effective_date") is None:
        raise DomainError(_("Give the effective date (YYYY-MM-DD)."), "effective_date")
    services = _services(processor, data.get("service_ids") or [])
    fields = _check_change(processor, data, services)
    check_effective_date(
        processor,
        services,
        data["effective_date"],
        bool(data.get("urgent")),
        data.get("urgency_justification"),
        announced_on,
    )
    return services, fields
