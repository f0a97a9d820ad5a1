"""Public pages: the processors, a processor's registry, one service, the CSV download."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from sqlalchemy import func, select

from registry.web.dates import parse_at
from registry.web.exports import snapshot_as_csv
from registry.extensions import db
from registry.models import Engagement, Processor, Service
from registry.models.types import utcnow
from registry.subprocessors.checks import check_snapshot
from registry.subprocessors.snapshot import registry_on, today

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    day = today()
    services = dict(db.session.execute(
        select(Service.processor_id, func.count(Service.id)).group_by(Service.processor_id)).all())
    engaged = dict(db.session.execute(
        select(Engagement.processor_id, func.count(func.distinct(Engagement.sub_processor_id)))
        .where(Engagement.active_on_clause(day)).group_by(Engagement.processor_id)).all())
    processors = db.session.scalars(select(Processor).order_by(Processor.name)).all()
    return render_template("public/index.html", processors=processors, services=services, engaged=engaged)


@bp.get("/processors/<slug>/")
def processor(slug: str):
    day = parse_at(request.args.get("at"))
    snapshot = registry_on(slug, day)
    findings = check_snapshot(snapshot)
    return render_template("public/processor.html", snap=snapshot, findings=findings,
                           at_arg=request.args.get("at"), printed_at=utcnow())


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
    return Response(snapshot_as_csv(snapshot), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
