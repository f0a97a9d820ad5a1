"""Where the contract's annex and the registry disagree, and where published announcements and the engagements
they should have brought in or ended do not match (findings of `registry check`)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.models import AnnexListing, Announcement, Engagement, Processor, Service, SubProcessor
from registry.subprocessors.finding import Finding
from registry.subprocessors.snapshot import RegistrySnapshot
from registry.text import Iso, _


def _names(services) -> str:
    return ", ".join(f"'{s.name}'" for s in sorted(services, key=lambda s: (s.position, s.id)))


def annex_disagreements(snapshot: RegistrySnapshot) -> list[Finding]:
    """Compare, sub-processor by sub-processor, the per-service annex with an annex listing sub-processors.

    The per-service annex (Vcare Bijlage A) is what the engagements were seeded
    from: those without an announcement. A later announcement changes the
    registry, not the annex, so it is no annex inconsistency (it is checked
    against its announcement instead). A listing row (Vcare Bijlage B) names a
    group of sub-processors with the services they serve; read per entry (an
    interpretation), each sub-processor of the row is named for each service of it.
    """
    processor = snapshot.processor
    if snapshot.before_listing:
        return []
    rows = db.session.scalars(select(AnnexListing).where(AnnexListing.processor_id == processor.id)).all()
    if not rows:
        return []
    seeded = db.session.scalars(
        select(Engagement).where(
            Engagement.processor_id == processor.id,
            Engagement.announcement_id.is_(None),
            Engagement.cancelled.is_(False),
            Engagement.valid_from <= snapshot.day,
        )
    ).all()
    per_service_annex = ", ".join(sorted({e.source for e in seeded if e.source})) or _("the per-service annex")
    named_in_a: dict[int, set] = defaultdict(set)
    for engagement in seeded:
        named_in_a[engagement.sub_processor_id].add(engagement.service_id)
    findings = []
    for annex in sorted({row.annex for row in rows}):
        named_in_b: dict[int, set] = defaultdict(set)
        for row in rows:
            if row.annex == annex and row.sub_processor_id and row.service_id:
                named_in_b[row.sub_processor_id].add(row.service_id)
        where = _("%(source)s vs %(annex)s", source=per_service_annex, annex=annex)
        # session.get() answers from the identity map: the snapshot loaded most of these already.
        sub_processors = sorted(
            (db.session.get(SubProcessor, i) for i in set(named_in_a) | set(named_in_b)), key=lambda sp: sp.name.lower()
        )
        listed = set(named_in_b)
        for sp in sub_processors:
            only_a = [db.session.get(Service, i) for i in named_in_a[sp.id] - named_in_b[sp.id]]
            only_b = [db.session.get(Service, i) for i in named_in_b[sp.id] - named_in_a[sp.id]]
            values = {
                "name": sp.name,
                "a": per_service_annex,
                "b": annex,
                "only_a": _names(only_a),
                "only_b": _names(only_b),
            }
            if sp.id not in listed:
                findings.append(
                    Finding(
                        processor.slug,
                        "missing_from_annex",
                        _(
                            "%(name)s is named in %(a)s for %(only_a)s but does not appear in %(b)s at all (no "
                            "country, EEA or DPA details there).",
                            **values,
                        ),
                        where,
                    )
                )
            elif only_a and only_b:
                findings.append(
                    Finding(
                        processor.slug,
                        "annex_mismatch",
                        _(
                            "%(name)s: %(a)s names it for %(only_a)s, which %(b)s does not; %(b)s names it for "
                            "%(only_b)s, which %(a)s does not.",
                            **values,
                        ),
                        where,
                    )
                )
            elif only_a:
                findings.append(
                    Finding(
                        processor.slug,
                        "annex_mismatch",
                        _("%(name)s: %(a)s names it for %(only_a)s, which %(b)s does not.", **values),
                        where,
                    )
                )
            elif only_b:
                findings.append(
                    Finding(
                        processor.slug,
                        "annex_mismatch",
                        _("%(name)s: %(b)s names it for %(only_b)s, which %(a)s does not.", **values),
                        where,
                    )
                )
    return findings


def announcement_mismatches(snapshot: RegistrySnapshot) -> list[Finding]:
    """Each engagement an announcement brought in or ended must match it: published, right kind, services, date."""
    processor = snapshot.processor
    changed = db.session.scalars(
        select(Engagement).where(
            Engagement.processor_id == processor.id,
            Engagement.cancelled.is_(False),
            Engagement.announcement_id.is_not(None) | Engagement.ended_by_id.is_not(None),
        )
    ).all()
    ids = {e.announcement_id for e in changed} | {e.ended_by_id for e in changed}
    announcements = {
        a.id: a
        for a in db.session.scalars(
            select(Announcement).where(Announcement.id.in_(ids - {None})).options(selectinload(Announcement.services))
        )
    }
    findings = []
    for engagement in sorted(changed, key=lambda e: e.id):
        brought = announcements.get(engagement.announcement_id)
        if engagement.announcement_id and not _brought_in_by(engagement, brought):
            findings.append(_mismatch(processor, engagement, brought, engagement.announcement_id))
        ended = announcements.get(engagement.ended_by_id)
        if engagement.ended_by_id and not _ended_by(engagement, ended):
            findings.append(_mismatch(processor, engagement, ended, engagement.ended_by_id))
    return findings


def _brought_in_by(engagement: Engagement, announcement: Announcement | None) -> bool:
    return (
        announcement is not None
        and announcement.status == "published"
        and announcement.kind in ("add", "replace")
        and announcement.entity_id == engagement.sub_processor_id
        and engagement.service_id in {s.id for s in announcement.services}
        and engagement.valid_from == announcement.effective_date
    )


def _ended_by(engagement: Engagement, announcement: Announcement | None) -> bool:
    if announcement is not None and announcement.status == "withdrawn":
        return engagement.valid_until is None  # the withdrawal reopened it
    return (
        announcement is not None
        and announcement.status == "published"
        and announcement.kind in ("replace", "remove")
        and announcement.target_id == engagement.sub_processor_id
        and engagement.service_id in {s.id for s in announcement.services}
        and engagement.valid_until == announcement.effective_date
    )


def _mismatch(
    processor: Processor, engagement: Engagement, announcement: Announcement | None, announcement_id: int
) -> Finding:
    number = announcement.number if announcement is not None else announcement_id
    return Finding(
        processor.slug,
        "announcement_mismatch",
        _(
            "The engagement of %(name)s for service '%(service)s' (%(start)s to %(end)s) does not match a published "
            "announcement #%(number)s of that change, for that service, on that date.",
            name=engagement.sub_processor.name,
            service=engagement.service.name,
            start=Iso(engagement.valid_from),
            end=Iso(engagement.valid_until) if engagement.valid_until else "…",
            number=number,
        ),
        engagement.source,
    )
