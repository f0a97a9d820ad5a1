"""Public pages of announcements and registry versions."""

from __future__ import annotations

import re

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.announcements.reading import Scope, announcement_of, by_old_link, published_page
from registry.announcements.summary import describe
from registry.audit import checkpoints
from registry.exceptions import NotFound
from registry.subprocessors.snapshot import get_processor
from registry.subprocessors.versions import compare, versions
from registry.web.public import bp

PAGE_SIZE = 50


@bp.get("/processors/<slug>/changes/")
def changes(slug: str):
    processor = get_processor(slug)
    page = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", page) or int(page) < 1:
        abort(400, _("'page' must be a whole number from 1 to 999999."))
    shown = published_page(Scope.of(processor), int(page), PAGE_SIZE)
    return render_template(
        "public/changes.html",
        processor=processor,
        announcements=shown.items,
        facts={a.id: describe(a) for a in shown.items},
        page=shown.page,
        older=shown.has_next,
    )


# An announcement's public address carries the number it is shown with ("Announcement #3"), counted per processor.
# Until December 2026 it carried the database id instead, which counts over all processors: mails and feeds sent
# then hold /processors/<slug>/changes/<id>/. Both forms are the same path, so a number and an old id can meet:
# - the number wins: /changes/<n>/ is always announcement #n of that processor, so every link made now is stable;
# - an old link whose id is no public number of the processor redirects permanently (308) to the number it has;
# - where an old id is also another announcement's number (only for processors whose ids and numbers differ), the
#   page is #n's, with a notice naming the announcement an old link of that id meant, and a link to it.
# Feed entry ids are tag URIs built from the id and never change (registry.web.feeds.entry_id), so readers do not
# see old entries as new when their links change.
@bp.get("/processors/<slug>/changes/<int:number>/")
def announcement(slug: str, number: int):
    processor = get_processor(slug)
    try:
        item = announcement_of(processor, number)
    except NotFound:
        old = by_old_link(processor, number)
        if old is None:
            raise
        return redirect(url_for("public.announcement", slug=processor.slug, number=old.number), 308)
    old = by_old_link(processor, number)
    return render_template(
        "public/announcement.html",
        processor=processor,
        announcement=item,
        facts=describe(item),
        checkpoint=checkpoints.for_announcement(item),
        old_link=old if old is not None and old.id != item.id else None,
    )


def _version_numbers() -> tuple[int, int]:
    raw = request.args.get("from", ""), request.args.get("to", "")
    if not all(re.fullmatch(r"-?[0-9]{1,9}", value) for value in raw):
        abort(400, _("Give two version numbers, e.g. ?from=1&to=2."))
    older, newer = int(raw[0]), int(raw[1])
    if older < 1 or newer < 1:
        abort(400, _("Version numbers start at 1."))
    return older, newer


@bp.get("/processors/<slug>/versions/")
def version_list(slug: str):
    processor = get_processor(slug)
    return render_template("public/versions.html", processor=processor, versions=versions(processor))


@bp.get("/processors/<slug>/compare")
def compare_versions(slug: str):
    processor = get_processor(slug)
    older, newer = _version_numbers()
    try:
        result = compare(processor, older, newer)
    except NotFound as error:
        abort(404, error.message)
    if request.args.get("format") == "json":
        return jsonify(result.as_dict())
    return render_template("public/compare.html", processor=processor, result=result)
