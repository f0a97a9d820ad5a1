"""Atom and RSS 2.0 feeds of announcements (the only module that touches feedgen)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask_babel import gettext as _
from lxml import etree

from registry.announcements.reading import FeedEvent
from registry.announcements.summary import describe

ATOM = "http://www.w3.org/2005/Atom"


def entry_id(base_url: str, event: FeedEvent) -> str:
    """A tag URI (RFC 4151) fixed at publication: re-rendering never changes it."""
    announcement = event.announcement
    host = urlsplit(base_url).hostname or "localhost"
    day = announcement.published_at.date().isoformat()
    suffix = "/withdrawal" if event.withdrawal else ""
    return f"tag:{host},{day}:{announcement.processor.slug}/announcement/{announcement.id}{suffix}"


def build(
    kind: str,
    *,
    language: str,
    title: str,
    subtitle: str,
    self_url: str,
    page_url: str,
    base_url: str,
    events: list[FeedEvent],
    link_for,
    updated: datetime | None,
    hub: str | None = None,
) -> bytes:
    """Serialise events, newest first, as Atom 1.0 ('atom') or RSS 2.0 ('rss'), written in `language`; with a
    WebSub hub, the feed names it (an atom:link rel="hub", in RSS too)."""
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(language)
    feed.author({"name": _("Sub-processor Registry")})
    feed.generator(_("Sub-processor Registry"))
    if updated is not None:  # an empty feed's is when its registry was first recorded; None only with no processor
        feed.updated(updated)
    # feedgen writes entries in the reverse order of adding them.
    for event in reversed(events):
        _entry(feed.add_entry(), event, base_url, link_for(event.announcement))
    if kind == "rss":
        return _with_hub(feed.rss_str(pretty=False), hub) if hub else feed.rss_str(pretty=False)
    if hub:
        feed.link(href=hub, rel="hub")
    return feed.atom_str(pretty=False)


def _with_hub(rss: bytes, hub: str) -> bytes:
    """feedgen writes any link of an RSS channel but `self` as the channel's <link>: the hub goes in as an
    atom:link beside the self link, as WebSub §4 asks of an RSS feed."""
    root = etree.fromstring(rss)
    channel = root.find("channel")
    link = etree.Element(f"{{{ATOM}}}link", href=hub, rel="hub")
    own = channel.find(f"{{{ATOM}}}link")
    if own is not None:
        own.addnext(link)
    else:
        channel.append(link)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _entry(entry, event: FeedEvent, base_url: str, link: str) -> None:
    announcement = event.announcement
    facts = describe(announcement)
    entry.id(entry_id(base_url, event))
    entry.guid(entry_id(base_url, event), permalink=False)
    entry.link(href=link)
    if event.withdrawal:
        entry.title(_("Withdrawn: %(title)s", title=facts.title))
        entry.summary(
            _(
                "%(name)s withdrew announcement #%(number)s: %(reason)s",
                name=announcement.processor.name,
                number=announcement.number,
                reason=announcement.withdrawal_reason,
            )
            + f"\n\n{facts.as_text()}"
        )
        entry.published(announcement.withdrawn_at)
        entry.updated(announcement.withdrawn_at)
    else:
        withdrawn = announcement.status == "withdrawn"
        entry.title(_("[Withdrawn] %(title)s", title=facts.title) if withdrawn else str(facts.title))
        entry.summary(str(facts.as_text()))
        entry.published(announcement.published_at)
        entry.updated(announcement.withdrawn_at or announcement.published_at)
    for name in facts.services:
        entry.category(term=name)
