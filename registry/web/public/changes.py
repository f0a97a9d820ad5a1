"""Public pages of announcements and registry versions."""

from __future__ import annotations

import re

from flask import abort, jsonify, render_template, request
from flask_babel import gettext as _

from registry.announcements.reading import Scope, announcement_of, published_page
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


@bp.get("/processors/<slug>/changes/<int:announcement_id>/")
def announcement(slug: str, announcement_id: int):
    processor = get_processor(slug)
    item = announcement_of(processor, announcement_id)
    return render_template(
        "public/announcement.html",
        processor=processor,
        announcement=item,
        facts=describe(item),
        checkpoint=checkpoints.for_announcement(item),
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
