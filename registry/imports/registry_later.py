"""A later import: the differences between the processor's list and its registry as it stands (published changes
included), each as a draft announcement that the announcement rules accept, leaving out those an open draft already
says; and what no announcement can carry (a purpose, a legal name), named and not imported."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from registry.announcements import deadlines, onward, rules
from registry.exceptions import DomainError
from registry.extensions import db
from registry.imports.registry_columns import Problem, key
from registry.imports.registry_plan import Draft, Plan, match, place_of, services_of
from registry.models import Announcement, Engagement, OnwardEngagement, Processor, SubProcessor
from registry.text import Text, _


def _standing(processor: Processor):
    """The registry as it stands with every published change: rows not cancelled and not announced to end."""
    open_rows = {}
    for model in (Engagement, OnwardEngagement):
        open_rows[model] = list(
            db.session.scalars(
                select(model).where(
                    model.processor_id == processor.id, model.cancelled.is_(False), model.valid_until.is_(None)
                )
            )
        )
    return open_rows[Engagement], open_rows[OnwardEngagement]


def _purpose(links) -> str:
    purposes = list(dict.fromkeys(link.purpose for link in links))
    if len(purposes) == 1:
        return purposes[0]
    return "; ".join(f"{link.over}: {link.purpose}" for link in links)


def later(plan: Plan, by_name: dict[str, SubProcessor]) -> None:
    """The drafts (and notes) for a file without problems; an unknown service is a problem first."""
    services = services_of(plan.processor)
    engagements, links = _standing(plan.processor)
    _unknown_services(plan, services)
    if plan.problems:  # nothing can be confirmed: the drafts are worked out for a file without problems
        plan.deferred = True
        return
    _direct(plan, by_name, services, engagements)
    _onward(plan, by_name, links)
    _against_open_drafts(plan)


def _unknown_services(plan: Plan, services: dict) -> None:
    listing = plan.listing
    for name_key, name in listing.services.items():
        if name_key in services:
            continue
        row = min(lk.row for (s, _e), lk in listing.engagements.items() if s == name_key)
        plan.problems.append(
            Problem(
                row,
                "service",
                f"{listing.letters.get('service', '')}{row}",
                _(
                    "Unknown service '%(name)s': the registry of %(processor)s has no such service. Add it on "
                    "the processor's page first, or use the name of one of its services.",
                    name=name,
                    processor=plan.processor.name,
                ),
            )
        )


def _direct(plan: Plan, by_name: dict[str, SubProcessor], services: dict, engagements: list[Engagement]) -> None:
    """The processor's own sub-processors: added, removed, moved, per sub-processor in the order of the file."""
    listing = plan.listing
    held: dict[int, dict[int, Engagement]] = {}
    for engagement in engagements:
        held.setdefault(engagement.sub_processor_id, {})[engagement.service_id] = engagement
    wanted: dict[str, list] = {}
    for (service_key, name_key), link in listing.engagements.items():
        wanted.setdefault(name_key, []).append((services[service_key], link))
    kept = set()
    for name_key, rows in wanted.items():
        entity, sp = listing.entities[name_key], match(plan, by_name, name_key)
        have = held.get(sp.id, {}) if sp else {}
        added = [(service, link) for service, link in rows if service.id not in have]
        if added:
            data = {
                "kind": "add",
                "service_ids": [s.id for s, _lk in added],
                "purpose": _purpose(lk for _s, lk in added),
            }
            data.update({"entity_id": sp.id} if sp is not None else _new(entity))
            _draft(plan, data, _("Add %(name)s", name=entity.name), entity.first_row)
        if sp is None:
            continue
        kept.add(sp.id)
        gone = [sid for sid in have if sid not in {s.id for s, _lk in rows}]
        if gone:
            _draft(plan, {"kind": "remove", "target_id": sp.id, "service_ids": gone}, _remove(sp), entity.first_row)
        if have:
            _compare_entity(plan, entity, sp, have, rows)
        else:
            _same_places(plan, entity, sp)
    for sp_id, have in held.items():
        if sp_id not in kept:
            sp = db.session.get(SubProcessor, sp_id)
            _draft(plan, {"kind": "remove", "target_id": sp.id, "service_ids": list(have)}, _remove(sp), 0)


def _remove(sp: SubProcessor) -> Text:
    return _("Remove %(name)s", name=sp.name)


def _new(entity) -> dict:
    return {
        "new_name": entity.name,
        "new_legal_name": entity.legal_name,
        "new_dpa_in_place": entity.dpa,
        "locations": [p.as_dict() for p in entity.places],
    }


def _compare_entity(plan: Plan, entity, sp: SubProcessor, have: dict[int, Engagement], rows) -> None:
    """Locations that differ become a change of locations; what no announcement carries is named, not imported."""
    places = {place_of(loc) for loc in sp.locations if not loc.cancelled and loc.valid_until is None}
    if places != set(entity.places):
        data = {
            "kind": "change_locations",
            "target_id": sp.id,
            "service_ids": list(have),
            "locations": [p.as_dict() for p in entity.places],
        }
        _draft(plan, data, _("Change where %(name)s processes", name=sp.name), entity.first_row)
    for service, link in rows:
        kept = have.get(service.id)
        if kept is not None and (kept.purpose or "") != link.purpose:
            values = {"row": link.row, "name": sp.name, "service": service.name, "stored": kept.purpose}
            plan.notes.append(
                _(
                    "Row %(row)d: the purpose of %(name)s for %(service)s differs from the registry's "
                    "('%(stored)s'). An announcement cannot change a purpose; it is not imported.",
                    **values,
                )
                if kept.purpose
                else _(
                    "Row %(row)d: the registry records no purpose of %(name)s for %(service)s. An announcement "
                    "cannot add a purpose; it is not imported.",
                    **values,
                )
            )
    for attr, label in (("legal_name", _("legal name")), ("dpa", _("'DPA in place' value"))):
        given = getattr(entity, attr)
        stored = sp.legal_name if attr == "legal_name" else sp.dpa_in_place
        if given is not None and given != stored:
            plan.notes.append(
                _(
                    "Row %(row)d: the %(what)s of %(name)s differs from the registry's; it is not imported.",
                    row=entity.first_row,
                    what=label,
                    name=sp.name,
                )
            )


def _same_places(plan: Plan, entity, sp: SubProcessor) -> None:
    """A sub-processor that keeps its recorded locations when it is brought in (or down the chain, where no
    announcement changes locations): a file that says otherwise is told so."""
    places = {place_of(loc) for loc in sp.locations if not loc.cancelled and loc.valid_until is None}
    if places != set(entity.places):
        plan.notes.append(
            _(
                "Row %(row)d: the locations of %(name)s differ from the registry's; it keeps its recorded "
                "locations, and the file's are not imported.",
                row=entity.first_row,
                name=sp.name,
            )
        )


def _onward(plan: Plan, by_name: dict[str, SubProcessor], links: list[OnwardEngagement]) -> None:
    listing = plan.listing
    held = {(link.parent_id, link.sub_processor_id): link for link in links}
    found = set()
    for (parent_key, name_key), link in listing.onward.items():
        parent = by_name.get(parent_key) or match(plan, by_name, parent_key)
        if parent is None or not onward.served_services(parent, plan.day):
            plan.notes.append(
                _(
                    "Row %(row)d: %(parent)s serves no service in the registry yet; announce its own "
                    "sub-processor %(name)s with a later import, once %(parent)s is engaged.",
                    row=link.row,
                    parent=link.over,
                    name=link.entity,
                )
            )
            continue
        sp = match(plan, by_name, name_key)
        if sp is not None:
            _same_places(plan, listing.entities[name_key], sp)
        if sp is not None and (parent.id, sp.id) in held:
            found.add((parent.id, sp.id))
            continue
        served = onward.served_services(parent, plan.day)
        data = {"kind": "add", "parent_id": parent.id, "service_ids": sorted(served), "purpose": link.purpose}
        data.update({"entity_id": sp.id} if sp is not None else _new(listing.entities[name_key]))
        _draft(plan, data, _("%(parent)s adds its own %(name)s", parent=parent.name, name=link.entity), link.row)
    for pair, link in held.items():
        if pair not in found:
            served = sorted(onward.served_services(link.parent, plan.day))
            data = {"kind": "remove", "parent_id": link.parent_id, "target_id": link.sub_processor_id}
            title = _("%(parent)s stops using %(name)s", parent=link.parent.name, name=link.sub_processor.name)
            _draft(plan, {**data, "service_ids": served}, title, 0)


def effective_day(processor: Processor, service_ids: list[int], day: date) -> date:
    """The earliest day every affected contract's notice allows (the editor may move it in the draft)."""
    services = [s for s in processor.services if s.id in service_ids]
    binding = deadlines.binding(deadlines.per_contract(processor, services, day))
    return binding.earliest_effective if binding is not None else day


def _draft(plan: Plan, data: dict, title: Text, row: int) -> None:
    data = {
        "reason": f"{plan.source}: the processor's list differs from the registry",
        "effective_date": effective_day(plan.processor, data["service_ids"], plan.day),
        **data,
    }
    data["service_ids"] = sorted(data["service_ids"])
    try:
        rules.validate(plan.processor, data, plan.day)
    except DomainError as error:
        plan.problems.append(
            Problem(row, "", "", _("%(change)s cannot be announced: %(reason)s", change=title, reason=error.message))
        )
        return
    plan.drafts.append(Draft(data, title, row))


def signature(data: dict) -> tuple:
    """What makes two drafts say the same change (their dates and reasons aside)."""
    locations = sorted(json.dumps(loc, sort_keys=True) for loc in data.get("locations") or [])
    return (
        data["kind"],
        data.get("parent_id"),
        data.get("target_id"),
        data.get("entity_id"),
        key(data.get("new_name") or ""),
        tuple(sorted(data.get("service_ids") or [])),
        tuple(locations),
    )


def _against_open_drafts(plan: Plan) -> None:
    drafts = db.session.scalars(
        select(Announcement).where(Announcement.processor_id == plan.processor.id, Announcement.status == "draft")
    )
    open_ones = {}
    for item in drafts:
        data = {
            "kind": item.kind,
            "parent_id": item.parent_id,
            "target_id": item.target_id,
            "entity_id": item.entity_id,
            "new_name": item.new_name,
            "service_ids": [s.id for s in item.services],
            "locations": [
                {k: loc.get(k) for k in ("country", "place", "role", "transfer_basis")} for loc in item.locations
            ],
        }
        open_ones.setdefault(signature(data), item.number)
    for draft in plan.drafts:
        draft.already = open_ones.get(signature(draft.data))
