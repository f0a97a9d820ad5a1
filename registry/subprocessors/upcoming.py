"""What is about to change in a processor's registry on a day: the published changes (not withdrawn) that were
announced by that day and take effect after it, as marks on the sub-processors they touch; and the day the
registry last changed. A constant number of queries, whatever the number of announcements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.law.periods import local_day
from registry.models import Announcement, Processor, RegistryVersion, SubProcessor
from registry.text import Joined, Text, _


@dataclass(frozen=True)
class Mark:
    """One announced change as it touches one sub-processor, e.g. "from 7 January 2027: replaces X"."""

    announcement: Announcement
    sub_processor: SubProcessor
    text: Text
    incoming: bool  # the change brings this sub-processor in (add, replace)
    service_ids: frozenset[int]

    @property
    def day(self) -> date:
        return self.announcement.effective_date

    @property
    def parent(self) -> SubProcessor | None:
        """Set for a change down the chain: the sub-processor whose own sub-processor this is."""
        return self.announcement.parent


@dataclass
class Upcoming:
    marks: list[Mark]

    def on(self, sp: SubProcessor, service_ids: Iterable[int] | None = None) -> list[Mark]:
        """The marks on one sub-processor, for any of these services (None: for any service)."""
        wanted = None if service_ids is None else set(service_ids)
        return [m for m in self.marks if m.sub_processor.id == sp.id and (wanted is None or m.service_ids & wanted)]

    def new_rows(self, present: Iterable[int], service_id: int | None = None) -> list[Mark]:
        """The sub-processors to be brought in that are not shown yet (their ids not in `present`)."""
        present = set(present)
        return [
            m
            for m in self.marks
            if m.incoming and m.sub_processor.id not in present and (service_id is None or service_id in m.service_ids)
        ]


def _marks(announcement: Announcement) -> list[Mark]:
    day, services = announcement.effective_date, frozenset(s.id for s in announcement.services)
    incoming = announcement.entity
    target = announcement.target
    marks = []
    if announcement.kind == "add" and incoming is not None:
        marks.append(Mark(announcement, incoming, _("from %(day)s: to be added", day=day), True, services))
    if announcement.kind == "replace" and incoming is not None and target is not None:
        replaces = _("from %(day)s: replaces %(name)s", day=day, name=target.name)
        marks.append(Mark(announcement, incoming, replaces, True, services))
        marks.append(
            Mark(
                announcement,
                target,
                _("from %(day)s: to end, replaced by %(name)s", day=day, name=incoming.name),
                False,
                services,
            )
        )
    if announcement.kind == "remove" and target is not None:
        marks.append(Mark(announcement, target, _("from %(day)s: to end", day=day), False, services))
    if announcement.kind == "change_locations" and target is not None:
        places = [loc.label for loc in target.locations if loc.announcement_id == announcement.id]
        text = (
            _("from %(day)s: locations change to %(places)s", day=day, places=Joined(places, "; "))
            if places
            else _("from %(day)s: locations change", day=day)
        )
        marks.append(Mark(announcement, target, text, False, services))
    return marks


def upcoming_on(processor: Processor, day: date) -> Upcoming:
    """The published changes known on `day` that take effect after it, soonest first."""
    announcements = db.session.scalars(
        select(Announcement)
        .where(
            Announcement.processor_id == processor.id,
            Announcement.status == "published",
            Announcement.effective_date > day,
        )
        .options(
            selectinload(Announcement.services),
            selectinload(Announcement.target).selectinload(SubProcessor.locations),
            selectinload(Announcement.entity).selectinload(SubProcessor.locations),
            selectinload(Announcement.parent),
        )
        .order_by(Announcement.effective_date, Announcement.number)
    ).all()
    known = [a for a in announcements if a.published_at is None or local_day(a.published_at) <= day]
    return Upcoming([mark for a in known for mark in _marks(a)])


def last_change(processor: Processor, day: date) -> date:
    """The last day on or before `day` on which a change to the registry took effect: the effective date of the
    newest version in force then (the initial list, or a published change not withdrawn since)."""
    newest = db.session.scalar(
        select(func.max(RegistryVersion.effective_date))
        .outerjoin(Announcement, RegistryVersion.announcement_id == Announcement.id)
        .where(
            RegistryVersion.processor_id == processor.id,
            RegistryVersion.effective_date <= day,
            RegistryVersion.event != "withdrawal",
            or_(Announcement.id.is_(None), Announcement.status == "published"),
        )
    )
    return newest or processor.listed_since
