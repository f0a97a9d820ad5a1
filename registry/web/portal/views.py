"""The controller's side: dashboard, its contracts' registries, and proof of the notices received."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.cases import contract_view, reading
from registry.exceptions import NotFound
from registry.mail import evidence
from registry.subprocessors.snapshot import today
from registry.web.portal import bp


def controller_required(view: Callable) -> Callable:
    """Logged in as a user of a controller organisation; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "controller" or current_user.organisation_id is None:
            abort(403, _("This part of the site is for controller users."))
        return view(*args, **kwargs)

    return wrapped


def org_id() -> int:
    """The logged-in controller's organisation: every read of this side is scoped to it."""
    return current_user.organisation_id


@bp.get("/")
@controller_required
def dashboard():
    day = today()
    items = reading.cases(org_id())
    return render_template(
        "portal/dashboard.html",
        organisation=current_user.organisation,
        today=day,
        contracts=reading.contracts_of(org_id()),
        attention=[r for r in items if r.needs_attention(day)],
        earlier=[r for r in items if not r.needs_attention(day)],
        objections=reading.objections_of(org_id()),
        consents=reading.consents_of(org_id()),
        terminations=reading.terminations_of(org_id()),
    )


@bp.get("/contracts/<int:contract_id>/")
@controller_required
def contract(contract_id: int):
    try:
        item = reading.own_contract(org_id(), contract_id)
    except NotFound:
        abort(404)
    day = today()
    return render_template(
        "portal/contract.html",
        contract=item,
        today=day,
        registry=contract_view.contract_registry(org_id(), contract_id, day),
        items=reading.cases(org_id(), contract_id=contract_id),
    )


@bp.get("/announcements/<int:announcement_id>/")
@controller_required
def respond(announcement_id: int):
    """Where mail and the public page send a controller: what this announcement asks of each of its contracts."""
    items = reading.cases(org_id(), announcement_id=announcement_id)
    if not items:
        abort(404, _("This announcement does not concern any contract of your organisation."))
    return render_template("portal/respond.html", items=items, a=items[0].announcement, today=today())


def _own():
    contracts = evidence.contracts_of(org_id())
    refs = {c.id: f"{c.processor.name}: {c.reference}" for c in contracts}
    return evidence.messages(contract_ids=list(refs)), refs


@bp.get("/deliveries")
@controller_required
def deliveries():
    rows, refs = _own()
    return render_template("portal/deliveries.html", rows=rows, refs=refs, organisation=current_user.organisation)


@bp.get("/objections.csv")
@controller_required
def objections_csv():
    return Response(
        evidence.objections_csv(reading.objections_of(org_id())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="objections.csv"'},
    )


@bp.get("/deliveries.csv")
@controller_required
def deliveries_csv():
    rows, refs = _own()
    return Response(
        evidence.as_csv(rows, refs),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="notices-received.csv"'},
    )
