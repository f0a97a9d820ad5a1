"""Public pages: the processors, a processor's registry, one service, the CSV download."""

from __future__ import annotations

from flask import Response, render_template, request

from registry.models.types import utcnow
from registry.subprocessors import reading
from registry.subprocessors.checks import check_snapshot
from registry.subprocessors.snapshot import all_processors, registry_on, today
from registry.web.dates import parse_at
from registry.web.exports import snapshot_as_csv
from registry.web.public import bp


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
    findings = check_snapshot(snapshot)
    return render_template(
        "public/processor.html", snap=snapshot, findings=findings, at_arg=request.args.get("at"), printed_at=utcnow()
    )


@bp.get("/processors/<slug>/services/<key>/")
def service(slug: str, key: str):
    day = parse_at(request.args.get("at"))
    snapshot = registry_on(slug, day)
    entry = snapshot.service(key)
    return render_template("public/service.html", snap=snapshot, entry=entry, at_arg=request.args.get("at"))


@bp.get("/processors/<slug>/registry.csv")
def registry_csv(slug: str):
    day = parse_at(request.args.get("at"))
    snapshot = registry_on(slug, day)
    filename = f"{snapshot.processor.slug}-registry-{day.isoformat()}.csv"
    return Response(
        snapshot_as_csv(snapshot),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
