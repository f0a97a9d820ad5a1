"""Reading published announcements: lists, feed events, and the state behind conditional GET."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Announcement, Processor, Service, SubProcessor, announcement_service
from . import NotFound

FEED_LIMIT = 100


@dataclass(frozen=True)
class Scope:
    """What a feed or list covers: everything, one processor, or one service of it."""

    processor: Processor | None = None
    service: Service | None = None

    @property
    def key(self) -> str:
        if self.service is not None:
            return f"{self.processor.slug}/{self.service.key}"
        return self.processor.slug if self.processor else "all"

    def where(self, query):
        query = query.where(Announcement.status != "draft")
        if self.processor is not None:
            query = query.where(Announcement.processor_id == self.processor.id)
        if self.service is not None:
            query = query.where(Announcement.id.in_(select(announcement_service.c.announcement_id).where(
                announcement_service.c.service_id == self.service.id)))
        return query


@dataclass(frozen=True)
class FeedEvent:
    """A publication or a withdrawal, as one feed entry."""

    announcement: Announcement
    withdrawal: bool

    @property
    def at(self) -> datetime:
        return self.announcement.withdrawn_at if self.withdrawal else self.announcement.published_at


def _loaded(query):
    return query.options(
        selectinload(Announcement.processor), selectinload(Announcement.services),
        selectinload(Announcement.target), selectinload(Announcement.version),
        selectinload(Announcement.entity).selectinload(SubProcessor.locations))


def published(scope: Scope, limit: int | None = None) -> list[Announcement]:
    """Published and withdrawn announcements, newest publication first."""
    query = _loaded(scope.where(select(Announcement))).order_by(Announcement.published_at.desc(),
                                                                  Announcement.id.desc())
    return list(db.session.scalars(query.limit(limit) if limit else query))


def feed_events(scope: Scope, limit: int = FEED_LIMIT) -> list[FeedEvent]:
    """The newest publications and withdrawals, newest first (a constant number of queries)."""
    events = [FeedEvent(a, False) for a in published(scope, limit)]
    withdrawn = db.session.scalars(_loaded(scope.where(select(Announcement)).where(
        Announcement.withdrawn_at.is_not(None))).order_by(Announcement.withdrawn_at.desc()).limit(limit))
    events += [FeedEvent(a, True) for a in withdrawn]
    events.sort(key=lambda e: (e.at, e.announcement.id, e.withdrawal), reverse=True)
    return events[:limit]


def feed_state(scope: Scope) -> tuple[datetime | None, int, int]:
    """(time of the newest event, publications, withdrawals): changes whenever the feed would."""
    # max() keeps the column's type, so both come back as aware UTC datetimes.
    row = db.session.execute(scope.where(select(
        func.max(Announcement.published_at), func.max(Announcement.withdrawn_at),
        func.count(Announcement.id), func.count(Announcement.withdrawn_at)))).one()
    times = [t for t in row[:2] if t is not None]
    return (max(times) if times else None), row[2], row[3]


def announcement_of(processor: Processor, announcement_id: int) -> Announcement:
    """A published (or withdrawn) announcement of this processor; drafts are not public."""
    announcement = db.session.scalar(_loaded(select(Announcement).where(
        Announcement.id == announcement_id, Announcement.processor_id == processor.id,
        Announcement.status != "draft")))
    if announcement is None:
        raise NotFound("No such announcement.")
    return announcement
