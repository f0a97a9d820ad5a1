"""Reading published announcements: lists, feed events, and the state behind conditional GET."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from threading import Lock

from cachetools import TLRUCache, cached
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from registry.exceptions import NotFound
from registry.extensions import db
from registry.models import (
    Announcement,
    Engagement,
    Processor,
    RegistryVersion,
    Service,
    SubProcessor,
    announcement_service,
)
from registry.text import Text, _

FEED_LIMIT = 100


@dataclass(frozen=True)
class Scope:
    """What a feed or list covers: everything, one processor, or one service of it."""

    processor_id: int | None = None
    service_id: int | None = None

    @classmethod
    def of(cls, processor: Processor) -> Scope:
        return cls(processor.id)

    def where(self, query):
        query = query.where(Announcement.status != "draft")
        if self.processor_id is not None:
            query = query.where(Announcement.processor_id == self.processor_id)
        if self.service_id is not None:
            query = query.where(
                Announcement.id.in_(
                    select(announcement_service.c.announcement_id).where(
                        announcement_service.c.service_id == self.service_id
                    )
                )
            )
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
        selectinload(Announcement.processor),
        selectinload(Announcement.services),
        selectinload(Announcement.target),
        selectinload(Announcement.version),
        selectinload(Announcement.entity).selectinload(SubProcessor.locations),
    )


def _published(scope: Scope):
    """Published and withdrawn announcements, newest publication first."""
    return _loaded(scope.where(select(Announcement))).order_by(Announcement.published_at.desc(), Announcement.id.desc())


def published_page(scope: Scope, page: int, per_page: int) -> Pagination:
    """One page of the published and withdrawn announcements (page 1: the newest); a page past the last is empty."""
    return db.paginate(_published(scope), page=page, per_page=per_page, max_per_page=per_page, error_out=False)


def feed_events(scope: Scope, limit: int = FEED_LIMIT) -> list[FeedEvent]:
    """The newest publications and withdrawals, newest first (a constant number of queries)."""
    events = [FeedEvent(a, False) for a in db.session.scalars(_published(scope).limit(limit))]
    withdrawn = db.session.scalars(
        _loaded(scope.where(select(Announcement)).where(Announcement.withdrawn_at.is_not(None)))
        .order_by(Announcement.withdrawn_at.desc())
        .limit(limit)
    )
    events += [FeedEvent(a, True) for a in withdrawn]
    events.sort(key=lambda e: (e.at, e.announcement.id, e.withdrawal), reverse=True)
    return events[:limit]


@dataclass(frozen=True)
class FeedHead:
    """What a feed request needs before deciding on 304: the scope's names and its change state."""

    key: str
    title: Text | str
    serial: int
    updated_at: datetime | None
    processor_id: int | None = None
    service_id: int | None = None


@cache
def _head_statements():
    """Built once: the three head queries, with the slug and service key as bound parameters."""
    columns = [Processor.id, Processor.legal_name, Processor.feed_serial, Processor.feed_updated_at]
    everything = select(func.coalesce(func.sum(Processor.feed_serial), 0), func.max(Processor.feed_updated_at))
    processor = select(*columns).where(Processor.slug == bindparam("slug"))
    service = (
        select(*columns, Service.id, Service.name)
        .join(Service, Service.processor_id == Processor.id)
        .where(Processor.slug == bindparam("slug"), Service.key == bindparam("key"))
    )
    return everything, processor, service


# The all-processors feed's title: a Text, shown in the feed's language (heads are shared by every language).
ALL_PROCESSORS = _("All processors")


def first_recorded(processor_id: int | None = None) -> datetime | None:
    """When the registry was first recorded (version 1 of the processor, or the first processor's): what an empty
    feed last changed at, rather than a date nobody chose."""
    query = select(func.min(RegistryVersion.published_at)).where(RegistryVersion.number == 1)
    if processor_id is not None:
        query = query.where(RegistryVersion.processor_id == processor_id)
    return db.session.scalar(query)


def feed_head(slug: str | None = None, service_key: str | None = None) -> FeedHead:
    """One light query: names and (serial, last change) of a processor, of one of its services, or of all; a
    scope with nothing published yet dates from when its registry was first recorded (a second query, only then).

    It runs as Core on the session's connection, without ORM loading: this is
    the whole cost of a 304, so it stays as small as a primary-key read can be.
    """
    everything, processor, service = _head_statements()
    connection = db.session.connection()
    if slug is None:
        serial, updated = connection.execute(everything).one()
        return FeedHead("all", ALL_PROCESSORS, int(serial), updated or first_recorded())
    if service_key is None:
        row = connection.execute(processor, {"slug": slug}).first()
    else:
        row = connection.execute(service, {"slug": slug, "key": service_key}).first()
    if row is None:
        raise NotFound(_("No such processor or service."))
    updated = row.feed_updated_at or first_recorded(row.id)
    if service_key is None:
        return FeedHead(slug, row.legal_name, row.feed_serial, updated, row.id)
    # A service feed follows its processor's state: it may answer 200 a little more often, never 304 wrongly.
    return FeedHead(f"{slug}/{service_key}", f"{row.legal_name}: {row.name}", row.feed_serial, updated, row.id, row[4])


def _state_expires(key: tuple, _head: FeedHead, now: float) -> float:
    """A remembered feed state is good for the `ttl` it was asked with, the last part of its key."""
    return now + key[-1]


# Per worker: the heads of the scopes read in the last `ttl` seconds (a head that expires at once is not kept).
_heads: TLRUCache[tuple, FeedHead] = TLRUCache(maxsize=1024, ttu=_state_expires)
_heads_lock = Lock()


@cached(_heads, key=lambda slug, service_key, ttl: (slug, service_key, ttl), lock=_heads_lock)
def cached_feed_head(slug: str | None, service_key: str | None, ttl: float) -> FeedHead:
    """feed_head(), remembered by this worker for `ttl` seconds (0: always read)."""
    return feed_head(slug, service_key)


def forget_feed_heads() -> None:
    """Drop this worker's remembered feed states (after it published or withdrew something)."""
    with _heads_lock:
        _heads.clear()


def announcement_of(processor: Processor, number: int) -> Announcement:
    """A published (or withdrawn) announcement of this processor by its number (#3); drafts are not public."""
    announcement = db.session.scalar(
        _loaded(
            select(Announcement).where(
                Announcement.number == number,
                Announcement.processor_id == processor.id,
                Announcement.status != "draft",
            )
        )
    )
    if announcement is None:
        raise NotFound(_("No such announcement."))
    return announcement


def by_old_link(processor: Processor, announcement_id: int) -> Announcement | None:
    """The public announcement of this processor an id-based link of before numbered links named, if any."""
    return db.session.scalar(
        select(Announcement).where(
            Announcement.id == announcement_id,
            Announcement.processor_id == processor.id,
            Announcement.status != "draft",
        )
    )


def announcements_of(processor: Processor) -> list[Announcement]:
    """Every announcement of the processor, drafts and withdrawn ones too, highest number first: the editor's list."""
    return list(
        db.session.scalars(
            select(Announcement).where(Announcement.processor_id == processor.id).order_by(Announcement.number.desc())
        )
    )


def services_using(processor: Processor, day) -> dict[int, list[int]]:
    """Sub-processor id → the ids of the processor's services it is engaged for on a day (in the services' order):
    what the announcement form ticks in one go."""
    rows = db.session.execute(
        select(Engagement.sub_processor_id, Engagement.service_id)
        .join(Service, Service.id == Engagement.service_id)
        .where(Engagement.processor_id == processor.id, Engagement.active_on_clause(day))
        .order_by(Service.position, Service.id)
    )
    using: dict[int, list[int]] = {}
    for sp_id, service_id in rows:
        if service_id not in using.setdefault(sp_id, []):
            using[sp_id].append(service_id)
    return using
