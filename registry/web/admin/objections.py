"""The processor's side of objections: the inbox, the consultation thread, the outcome; consent decisions."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.audit import history
from registry.cases import consents, objections, terminations
from registry.exceptions import DomainError, NotFound
from registry.mail import evidence
from registry.models import Objection, Processor
from registry.subprocessors.snapshot import today
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor
from registry.web.admin.objection_forms import MessageForm, OutcomeForm
from registry.web.forms import show_error


@bp.get("/processors/<slug>/objections/")
@editor_of_processor
def objections_inbox(processor: Processor):
    return render_template(
        "admin/objections.html",
        processor=processor,
        items=objections.inbox(current_user, processor),
        decisions=consents.of_processor(processor.id),
    )


@bp.get("/processors/<slug>/objections.csv")
@editor_of_processor
def objections_csv(processor: Processor):
    return Response(
        evidence.objections_csv(objections.inbox(current_user, processor)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="objections-{processor.slug}.csv"'},
    )


def _objection(processor: Processor, objection_id: int) -> Objection:
    try:
        return objections.of_processor(current_user, processor, objection_id)
    except NotFound:
        abort(404)


def _page(processor: Processor, item: Objection, message_form=None, outcome_form=None, status: int = 200):
    return render_template(
        "admin/objection.html",
        processor=processor,
        o=item,
        entries=history.of_object(item),
        message_form=message_form or MessageForm(),
        outcome_form=outcome_form or OutcomeForm(),
        window=terminations.window(item, today()),
    ), status


@bp.get("/processors/<slug>/objections/<int:objection_id>/")
@editor_of_processor
def objection(processor: Processor, objection_id: int):
    return _page(processor, _objection(processor, objection_id))


@bp.post("/processors/<slug>/objections/<int:objection_id>/messages")
@editor_of_processor
def objection_message(processor: Processor, objection_id: int):
    item = _objection(processor, objection_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            objections.add_message(current_user, item, form.body.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Your message was added and the controller was told."), "success")
            return redirect(url_for("admin.objection", slug=processor.slug, objection_id=item.id) + "#thread")
    return _page(processor, item, message_form=form, status=400)


@bp.post("/processors/<slug>/objections/<int:objection_id>/outcome")
@editor_of_processor
def objection_outcome(processor: Processor, objection_id: int):
    item = _objection(processor, objection_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            objections.record_outcome(current_user, processor, item.id, form.outcome.data or "", form.note.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Outcome recorded: %(outcome)s. The controller was told.", outcome=item.status_label), "success")
            return redirect(url_for("admin.objection", slug=processor.slug, objection_id=item.id))
    return _page(processor, item, outcome_form=form, status=400)
