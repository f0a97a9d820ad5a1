"""Public pages: the processors, a processor's registry (its overview and filter), one service, the CSV and XLSX
downloads."""

from __future__ import annotations

import re

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from registry.models.types import utcnow
from registry.subprocessors import reading
from registry.subprocessors.checks import check_snapshot
from registry.subprocessors.overview import overview_of
from registry.subprocessors.snapshot import all_processors, registry_on, today
from registry.subprocessors.upcoming import last_change, upcoming_on
from registry.web import data_language
from registry.web.apidoc import AT, N_, documented, json_response, page_error
from registry.web.dates import parse_at
from registry.web.exports import snapshot_as_csv, snapshot_as_xlsx
from registry.web.public import bp

SEPARATORS = {"comma": ",", "semicolon": ";"}
SEP = {
    "name": "sep",
    "in": "query",
    "required": False,
    "description": N_("The CSV's separator: comma (the default) or semicolon."),
    "schema": {"enum": list(SEPARATORS)},
}


@bp.get("/")
def index():
    return render_template(
        "public/index.html",
        processors=all_processors(),
        services=reading.service_counts(),
        engaged=reading.engaged_counts(today()),
    )


@bp.get("/processors/<slug>/")
def processor(slug: str):
    day = parse_at(request.args.get("at"))
    snapshot = registry_on(slug, day)
    data_language.for_processor(snapshot.processor)
    upcoming = upcoming_on(snapshot.processor, day)
    return render_template(
        "public/processor.html",
        snap=snapshot,
        findings=check_snapshot(snapshot),
        overview=overview_of(snapshot, upcoming, request.args),
        upcoming=upcoming,
        last_changed=last_change(snapshot.processor, day),
        at_arg=request.args.get("at"),
        printed_at=utcnow(),
    )


@bp.get("/processors/<slug>/services/<key>/")
def service(slug: str, key: str):
    day = parse_at(request.args.get("at"))
    snapshot = registry_on(slug, day)
    data_language.for_processor(snapshot.processor)
    entry = snapshot.service(key)
    return render_template(
        "public/service.html",
        snap=snapshot,
        entry=entry,
        upcoming=upcoming_on(snapshot.processor, day),
        last_changed=last_change(snapshot.processor, day),
        at_arg=request.args.get("at"),
    )


def _download_name(snapshot, extension: str) -> str:
    """A file name made of the slug (letters, digits, '-' by the slug rule) and the day: nothing to escape."""
    slug = re.sub(r"[^A-Za-z0-9-]", "-", snapshot.processor.slug)
    return f"{slug}-registry-{snapshot.day.isoformat()}.{extension}"


@bp.get("/processors/<slug>/registry.csv")
@documented(
    N_("A processor's registry on one day as CSV: one row per service and sub-processor, down the chain."),
    {
        "200": json_response(N_("The CSV, as a download."), {"type": "string"}, "text/csv"),
        "400": page_error(N_("The day or the separator is not one the address allows.")),
        "404": page_error(N_("No such processor.")),
    },
    (AT, SEP),
)
def registry_csv(slug: str):
    day = parse_at(request.args.get("at"))
    sep = request.args.get("sep") or "comma"
    if sep not in SEPARATORS:
        abort(400, _("'sep' is 'comma' (the default) or 'semicolon'."))
    snapshot = registry_on(slug, day)
    return Response(
        snapshot_as_csv(snapshot, SEPARATORS[sep]),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_download_name(snapshot, "csv")}"'},
    )


@bp.get("/processors/<slug>/registry.xlsx")
@documented(
    N_("A processor's registry on one day as an Excel workbook, with the same rows as the CSV."),
    {
        "200": json_response(
            N_("The workbook, as a download."),
            {"type": "string", "contentMediaType": "application/octet-stream"},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "400": page_error(N_("The day is not written as YYYY-MM-DD, or lies before 1990.")),
        "404": page_error(N_("No such processor.")),
    },
    (AT,),
)
def registry_xlsx(slug: str):
    day = parse_at(request.args.get("at"))
    snapshot = registry_on(slug, day)
    return Response(
        snapshot_as_xlsx(snapshot),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_download_name(snapshot, "xlsx")}"'},
    )
