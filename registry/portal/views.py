"""The controller's side. So far: proof of the notices sent to its own contracts."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from ..services import evidence

bp = Blueprint("portal", __name__, url_prefix="/portal")


def controller_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "controller" or current_user.organisation_id is None:
            abort(403, "This part of the site is for controller users.")
        return view(*args, **kwargs)
    return wrapped


def _own():
    contracts = evidence.contracts_of(current_user.organisation_id)
    refs = {c.id: f"{c.processor.name}: {c.reference}" for c in contracts}
    return evidence.messages(contract_ids=list(refs)), refs


@bp.get("/deliveries")
@controller_required
def deliveries():
    rows, refs = _own()
    return render_template("portal/deliveries.html", rows=rows, refs=refs,
                           organisation=current_user.organisation)


@bp.get("/deliveries.csv")
@controller_required
def deliveries_csv():
    rows, refs = _own()
    return Response(evidence.as_csv(rows, refs), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="notices-received.csv"'})
