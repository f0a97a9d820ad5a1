"""The controller's objections, consent decisions and termination notices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from registry.audit import checkpoints, history
from registry.cases import consents, objections, reading, terminations
from registry.cases.case import Case
from registry.exceptions import AlreadyDone, DomainError, NotFound
from registry.models import ConsentDecision, Objection
from registry.subprocessors.snapshot import today
from registry.web.forms import show_error
from registry.web.i18n import long_date
from registry.web.portal import bp
from registry.web.portal.forms import AboutForm, ConsentForm, MessageForm, ObjectionForm, TerminationForm
from registry.web.portal.views import controller_required, org_id

TAMPERED = _l(
    "This form was changed after the site sent it (it names another announcement or contract than this "
    "page). Nothing was recorded; check the page and submit again."
)

Answer = Objection | ConsentDecision  # what a case page records: an objection or a consent decision


def _case(announcement_id: int, contract_id: int) -> Case:
    try:
        return reading.case(org_id(), announcement_id, contract_id)
    except NotFound:
        abort(404)


def _shown(answer: Answer) -> str:
    if isinstance(answer, Objection):
        return url_for("portal.objection", objection_id=answer.id)
    return url_for("portal.consent", consent_id=answer.id)


def _made_already(done: AlreadyDone) -> Response:
    """An answer recorded before (by a double submit, or by a colleague first): say so and show that one."""
    flash(str(done.message), "info")
    return redirect(_shown(done.existing))


def _case_page(
    item: Case,
    form: AboutForm,
    template: str,
    day: date,
    check_open: Callable[[], None],
    record: Callable[[], Answer],
    recorded: Callable[[Answer], str],
):
    """The objection and the consent page: the form (refused with the reason while the case cannot be made), one
    service call for a valid submit, then the record made; a case made already answers with that one."""
    try:
        check_open()
    except AlreadyDone as done:
        return _made_already(done)
    except DomainError as error:
        closed = str(error.message)
    else:
        closed = None
    if not form.is_submitted():
        return render_template(template, r=item, form=form, closed=closed, today=day)
    if closed is None and form.validate_on_submit():
        if form.tampered(item.announcement.id, item.contract.id):
            form.form_errors.append(str(TAMPERED))
        else:
            try:
                made = record()
            except AlreadyDone as done:
                return _made_already(done)
            except DomainError as error:
                show_error(form, error)
            else:
                flash(recorded(made), "success")
                return redirect(_shown(made))
    return render_template(template, r=item, form=form, closed=closed, today=day), 400


@bp.route("/contracts/<int:contract_id>/announcements/<int:announcement_id>/objection", methods=["GET", "POST"])
@controller_required
def object_to(contract_id: int, announcement_id: int):
    item, form, day = _case(announcement_id, contract_id), ObjectionForm(), today()
    form.set_services(item.services)
    form.about(announcement_id, contract_id)
    if not form.is_submitted() and not form.service_ids.data:
        form.service_ids.data = [s.id for s in item.services]
    return _case_page(
        item,
        form,
        "portal/objection_form.html",
        day,
        lambda: objections.check_open(item, day),
        lambda: objections.submit(
            current_user, announcement_id, contract_id, form.grounds.data, form.service_ids.data or [], day
        ),
        lambda made: _("Your objection was received. Reference: %(ref)s.", ref=made.reference),
    )


@bp.route("/contracts/<int:contract_id>/announcements/<int:announcement_id>/consent", methods=["GET", "POST"])
@controller_required
def decide(contract_id: int, announcement_id: int):
    item, form = _case(announcement_id, contract_id), ConsentForm()
    form.about(announcement_id, contract_id)
    return _case_page(
        item,
        form,
        "portal/consent_form.html",
        today(),
        lambda: consents.check_open(item),
        lambda: consents.decide(current_user, announcement_id, contract_id, form.decision.data or "", form.note.data),
        lambda made: _(
            "Your decision was recorded: %(decision)s. Reference: %(ref)s.",
            decision=str(made.label).lower(),
            ref=made.reference,
        ),
    )


def _objection(objection_id: int) -> Objection:
    try:
        return reading.own_objection(org_id(), objection_id)
    except NotFound:
        abort(404)


def _objection_page(item: Objection, message_form=None, termination_form=None, status: int = 200):
    day = today()
    return render_template(
        "portal/objection.html",
        o=item,
        today=day,
        entries=history.of_object(item),
        message_form=message_form or MessageForm(),
        termination_form=termination_form or TerminationForm(),
        window=terminations.window(item, day),
        checkpoint=checkpoints.for_objection(item),
    ), status


@bp.get("/objections/<int:objection_id>/")
@controller_required
def objection(objection_id: int):
    return _objection_page(_objection(objection_id))


@bp.post("/objections/<int:objection_id>/messages")
@controller_required
def objection_message(objection_id: int):
    item = _objection(objection_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            objections.add_message(current_user, item, form.body.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Your message was added and the processor was told."), "success")
            return redirect(url_for("portal.objection", objection_id=item.id) + "#thread")
    return _objection_page(item, message_form=form, status=400)


@bp.post("/objections/<int:objection_id>/termination")
@controller_required
def termination(objection_id: int):
    item = _objection(objection_id)
    form = TerminationForm()
    if form.validate_on_submit():
        try:
            made = terminations.give_notice(current_user, item.id, today(), bool(form.confirm.data))
        except AlreadyDone as done:
            flash(str(done.message), "info")
            return redirect(url_for("portal.objection", objection_id=item.id) + "#termination")
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _(
                    "Your notice of termination was recorded (%(ref)s). The contract ends at the end of %(day)s.",
                    ref=made.reference,
                    day=long_date(made.end_date),
                ),
                "success",
            )
            return redirect(url_for("portal.objection", objection_id=item.id) + "#termination")
    return _objection_page(item, termination_form=form, status=400)


@bp.get("/consents/<int:consent_id>/")
@controller_required
def consent(consent_id: int):
    try:
        item = reading.own_consent(org_id(), consent_id)
    except NotFound:
        abort(404)
    return render_template(
        "portal/consent.html", d=item, entries=history.of_object(item), checkpoint=checkpoints.for_consent(item)
    )
