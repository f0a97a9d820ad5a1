"""A controller organisation's calendar (RFC 5545): the dates its own contracts give it, as all-day events.

Per published announcement that touches one of its contracts: the day the change takes effect and, only where
the contract sets a period to object, the last day to object (with the article; none of the seed contracts sets
one, so there the calendar shows no deadline, DESIGN §3). The contract terms have no period for consent, so there
is never a consent deadline to show. Per notice of termination: the day the contract ends.

A withdrawn announcement's events are left out rather than sent as STATUS:CANCELLED: a subscribed calendar is
fetched whole on every refresh, so the events disappear, and no client shows a deadline that asks nothing any more.
A change that takes effect only after the contract ends (notice given) does not concern the contract: left out too.

UIDs are fixed ("<kind>-<announcement id>-<contract id>@<host>"), so calendar apps update an event instead of
adding it twice. DTSTAMP is when the information was last revised (RFC 5545 3.8.7.2 for an object without
METHOD): the publication or the notice, as the app's clock recorded it; so the same data gives the same bytes
(and ETag) on every fetch. Titles and descriptions are in the current language (the caller chooses it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from icalendar import Calendar, vDuration
from icalendar import Event as VEvent

from registry.cases import reading
from registry.mail.links import Place, url
from registry.models import Organisation
from registry.text import Text, Words, _, ngettext

PRODID = "-//Sub-processor Registry//Calendar 1//EN"
REFRESH = timedelta(hours=6)


@dataclass(frozen=True)
class Event:
    """One all-day event in a controller's calendar."""

    uid: str
    day: date
    summary: Words
    stamp: datetime
    link: str
    description: list[Words | str] = field(default_factory=list)


def events(organisation_id: int, host: str) -> list[Event]:
    """The organisation's own dates, by day; another organisation's contracts are never read."""
    found: list[Event] = []
    for case in reading.cases(organisation_id):
        if case.withdrawn or case.after_contract_end:
            continue
        found.extend(_case_events(case, host))
    for termination in reading.terminations_of(organisation_id):
        found.append(_termination_event(termination, host))
    return sorted(found, key=lambda e: (e.day, e.uid))


def _case_events(case, host: str) -> list[Event]:
    announcement, contract = case.announcement, case.contract
    processor, number = announcement.processor.name, announcement.number
    link = url(Place.ANNOUNCEMENT, slug=announcement.processor.slug, number=number)
    about = _(
        "Announcement #%(number)s of %(processor)s: %(title)s",
        number=number,
        processor=processor,
        title=announcement.title,
    )
    concerns = _("Your contract: %(ref)s.", ref=contract.reference)
    suffix = f"{announcement.id}-{contract.id}@{host}"
    found = [
        Event(
            f"effective-{suffix}",
            announcement.effective_date,
            _("Takes effect: %(processor)s announcement #%(number)s", processor=processor, number=number),
            announcement.published_at,
            link,
            [about, concerns, _("The change takes effect on %(day)s.", day=announcement.effective_date)],
        )
    ]
    deadline = None if case.consent_route else case.deadline  # consent is asked (e.g. Vcare 5.3): no objection
    if deadline is not None:
        article = contract.terms.objection_period_article or "-"
        found.append(
            Event(
                f"objection-deadline-{suffix}",
                deadline.day,
                _("Last day to object: %(processor)s announcement #%(number)s", processor=processor, number=number),
                announcement.published_at,
                link,
                [
                    about,
                    concerns,
                    _(
                        "Under art. %(article)s of your contract you may object until the end of %(day)s "
                        "(%(days)s days from the announcement).",
                        article=article,
                        day=deadline.day,
                        days=contract.terms.objection_days,
                    ),
                    deadline.explanation,
                ],
            )
        )
    return found


def _termination_event(termination, host: str) -> Event:
    contract = termination.contract
    article = _("art. %(article)s", article=termination.article) if termination.article else _("the contract")
    return Event(
        f"termination-{termination.id}-{contract.id}@{host}",
        termination.end_date,
        _("Contract ends: %(ref)s (%(processor)s)", ref=contract.reference, processor=contract.processor.name),
        termination.given_at,
        url(Place.OBJECTION_FOR_CONTROLLER, objection_id=termination.objection_id),
        [
            ngettext(
                "Notice of termination %(notice)s, given on %(given)s with %(num)s month's notice (%(article)s): "
                "the contract ends at the end of %(end)s.",
                "Notice of termination %(notice)s, given on %(given)s with %(num)s months' notice (%(article)s): "
                "the contract ends at the end of %(end)s.",
                termination.months,
                notice=termination.reference,
                given=termination.given_on,
                article=article,
                end=termination.end_date,
            )
        ],
    )


def calendar_name(organisation: Organisation) -> Text:
    return _("Sub-processor changes: %(name)s", name=organisation.name)


def ics(organisation: Organisation, items: list[Event]) -> bytes:
    """The calendar as iCalendar bytes (CRLF lines, folded at 75 octets: the icalendar package writes them)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = str(calendar_name(organisation))
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add("x-wr-caldesc", str(_("Effective dates, deadlines and contract ends of your own contracts.")))
    for item in items:
        event = VEvent()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", str(item.summary))
        event.add("description", "\n".join([*(str(line) for line in item.description), item.link]))
        event.add("url", item.link)
        event.add("transp", "TRANSPARENT")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
