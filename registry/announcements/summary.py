"""What an announcement says, in one shape for the web page, the feeds and the mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from registry.law import transfers
from registry.models import Announcement, SubProcessor
from registry.text import Joined, Styled, Text, Words, _, one_full_stop


@dataclass(frozen=True)
class PlaceFact:
    label: Words
    outside_eea: bool
    basis: Text | str | None


@dataclass(frozen=True)
class AnnouncementFacts:
    """The facts of an announcement a reader needs: what, where, when, until when to react."""

    title: Styled
    what: Words
    services: list[str]
    places: list[PlaceFact]
    # For a change of locations: where the data is processed until the effective date (`places`: from then on).
    moves_from: list[PlaceFact]
    outside_eea: bool | None
    effective_date: date
    urgent: bool
    urgency_justification: str | None
    reason: str
    deadlines: list[dict]
    status: str
    withdrawal_reason: str | None

    def as_text(self) -> Joined:
        """A plain-text summary (feed summaries, mail), one line per fact."""
        lines = [self.what, _("Services: %(services)s.", services=", ".join(self.services))]
        if self.moves_from and self.places:
            lines.append(
                _("Locations: %(before)s → %(after)s.", before=_listed(self.moves_from), after=_listed(self.places))
            )
        elif self.places:
            lines.append(_("Locations: %(places)s.", places=_listed(self.places)))
        lines.append(_("Effective date: %(day)s.", day=self.effective_date))
        if self.urgent:
            lines.append(_("Urgent change, with shorter notice: %(why)s", why=self.urgency_justification))
        lines.append(_("Reason: %(reason)s", reason=self.reason))
        for item in self.deadlines:
            lines.append(deadline_sentence(item, self.effective_date))
        if self.status == "withdrawn":
            lines.insert(0, _("WITHDRAWN: %(reason)s", reason=self.withdrawal_reason))
        return Joined(lines, "\n")


def _listed(places: list[PlaceFact]) -> Joined:
    outside = _("outside the EEA")
    return Joined(
        [Joined([p.label, Joined(["(", outside, ")"], "")]) if p.outside_eea else p.label for p in places], "; "
    )


def deadline_sentence(item: dict, effective: date) -> Text:
    """What controllers under one terms version may do about a change, and until when, as announced."""
    values = {"version": item["terms_version"], "article": item["article"] or "-", "effective": effective}
    if item["route"] == "consent":
        return _(
            "Controllers under terms version %(version)s decide on consent (art. %(article)s): there is no "
            "deadline; the change does not apply to a controller's services until it grants consent.",
            **values,
        )
    # Entries stored before objection periods were modelled carry the notice period's end as "last_day": it was
    # never a deadline for the controller, so only an entry with its own objection period shows one.
    if item.get("objection_days") is not None and item.get("last_day"):
        values["day"] = date.fromisoformat(item["last_day"])
        values["period_article"] = item.get("objection_article") or values["article"]
        return _(
            "Controllers under terms version %(version)s can object until the end of %(day)s "
            "(Europe/Amsterdam), art. %(period_article)s.",
            **values,
        )
    return _(
        "Controllers under terms version %(version)s may object (art. %(article)s); the contract sets no "
        "deadline for objections. The change takes effect on %(effective)s.",
        **values,
    )


def _places(announcement: Announcement, entity: SubProcessor | None) -> list[PlaceFact]:
    day = announcement.effective_date
    if announcement.locations:
        rows = [(loc["country"], loc["place"], loc["role"], loc["transfer_basis"]) for loc in announcement.locations]
    elif entity is not None:
        rows = [(loc.country_code, loc.place, loc.role, loc.transfer_basis) for loc in entity.locations_on(day)]
    else:
        rows = []
    return _facts(rows, day)


def _moved_from(announcement: Announcement) -> list[PlaceFact]:
    """The locations a change of locations ends: once published, the rows it ended (a withdrawal reopens them but
    keeps the mark); as a draft, the ones that hold on the effective date and have no end yet (what it would end)."""
    target = announcement.target
    if announcement.kind != "change_locations" or target is None:
        return []
    day = announcement.effective_date
    if announcement.is_draft:
        ended = [loc for loc in target.locations if loc.active_on(day) and loc.valid_until is None]
    else:
        ended = [loc for loc in target.locations if loc.ended_by_id == announcement.id]
    rows = [(loc.country_code, loc.place, loc.role, loc.transfer_basis) for loc in sorted(ended, key=lambda x: x.id)]
    # Judged the day before the change: where the data was until then.
    return _facts(rows, day - timedelta(days=1))


def _facts(rows: list[tuple], day: date) -> list[PlaceFact]:
    facts = []
    for country, place, role, basis in rows:
        facts.append(
            PlaceFact(
                transfers.place_label(country, place, role),
                not transfers.in_eea(country, day),
                transfers.basis_label(basis) if basis else None,
            )
        )
    return facts


def describe(announcement: Announcement) -> AnnouncementFacts:
    kind = announcement.kind
    target = announcement.target.name if announcement.target else None
    incoming = announcement.incoming_name
    names = {"processor": announcement.processor.name, "target": target, "incoming": incoming}
    what = {
        "add": _("%(processor)s engages a new sub-processor: %(incoming)s.", **names),
        "replace": _("%(processor)s replaces %(target)s with %(incoming)s.", **names),
        "remove": _("%(processor)s stops using %(target)s.", **names),
        "change_locations": _("%(processor)s changes where %(target)s processes personal data.", **names),
    }[kind]
    if announcement.parent is not None:
        names["parent"] = announcement.parent.name
        what = {
            "add": _(
                "%(parent)s, a sub-processor of %(processor)s, engages its own sub-processor: %(incoming)s.", **names
            ),
            "replace": _(
                "%(parent)s, a sub-processor of %(processor)s, replaces its own sub-processor %(target)s "
                "with %(incoming)s.",
                **names,
            ),
            "remove": _(
                "%(parent)s, a sub-processor of %(processor)s, stops using its own sub-processor %(target)s.", **names
            ),
        }.get(kind, what)
    what = one_full_stop(what)  # a name that ends in a full stop, such as "Nimbus B.V."
    if announcement.purpose:
        what = Joined([what, _("Purpose: %(purpose)s", purpose=announcement.purpose)])
    entity = announcement.entity if kind in ("add", "replace") else announcement.target
    places = _places(announcement, entity) if kind != "remove" else []
    outside = any(p.outside_eea for p in places) if places else None
    return AnnouncementFacts(
        title=announcement.title,
        what=what,
        services=[s.name for s in announcement.services],
        places=places,
        moves_from=_moved_from(announcement),
        outside_eea=outside,
        effective_date=announcement.effective_date,
        urgent=announcement.urgent,
        urgency_justification=announcement.urgency_justification,
        reason=announcement.reason,
        deadlines=announcement.deadlines or [],
        status=announcement.status,
        withdrawal_reason=announcement.withdrawal_reason,
    )
