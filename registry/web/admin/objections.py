"""The processor's side of objections: the inbox, the consultation thread, the outcome; consent decisions."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.extensions import db
from registry.models import AuditEntry, Objection
from registry.exceptions import DomainError, NotFound
from registry.cases import consents, objections, terminations
from registry.mail import evidence
from registry.subprocessors.snapshot import today
from registry.web.admin.objection_forms import MessageForm, OutcomeForm
from registry.web.admin.views import _apply_error, bp, editor_required, own_processor


@bp.get("/processors/<slug>/objections/")
@editor_required
def objections_inbox(slug: str):
    processor = own_processor(slug)
    return render_template("admin/objections.html", processor=processor,
                           items=objections.inbox(current_user, processor),
                           decisions=consents.of_processor(processor.id))


@bp.get("/processors/<slug>/objections.csv")
@editor_required
def objections_csv(slug: str):
    processor = own_processor(slug)
    return Response(evidence.objections_csv(objections.inbox(current_user, processor)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="objections-{slug}.csv"'})


def _objection(processor, objection_id: int) -> Objection:
    try:
        return objections.of_processor(current_user, processor, objection_id)
    except NotFound:
        abort(404)


def _page(processor, item: Objection, message_form=None, outcome_form=None, status: int = 200):
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.object_type == "Objection", AuditEntry.object_id == item.id).order_by(AuditEntry.id)).all()
    return render_template("admin/objection.html", processor=processor, o=item, entries=entries,
                           message_form=message_form or MessageForm(), outcome_form=outcome_form or OutcomeForm(),
                           window=terminations.window(item, today())), status


@bp.get("/processors/<slug>/objections/<int:objection_id>/")
@editor_required
def objection(slug: str, objection_id: int):
    processor = own_processor(slug)
    return _page(processor, _objection(processor, objection_id))


@bp.post("/processors/<slug>/objections/<int:objection_id>/messages")
@editor_required
def objection_message(slug: str, objection_id: int):
    processor = own_processor(slug)
    item = _objection(processor, objection_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            objections.add_message(current_user, item, form.body.data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            flash(_("Your message was added and the controller was told."), "success")
            return redirect(url_for("admin.objection", slug=slug, objection_id=item.id) + "#thread")
    return _page(processor, item, message_form=form, status=400)


@bp.post("/processors/<slug>/objections/<int:objection_id>/outcome")
@editor_required
def objection_outcome(slug: str, objection_id: int):
    processor = own_processor(slug)
    item = _objection(processor, objection_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            objections.record_outcome(current_user, processor, item.id, form.outcome.data or "", form.note.data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            flash(_("Outcome recorded: %(outcome)s. The controller was told.", outcome=item.status_label), "success")
            return redirect(url_for("admin.objection", slug=slug, objection_id=item.id))
    return _page(processor, item, outcome_form=form, status=400)
