"""The controller's objections, consent decisions and termination notices."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.extensions import db
from registry.models import AuditEntry, ConsentDecision, Objection
from registry.web.i18n import long_date
from registry.exceptions import AlreadyDone, DomainError, NotFound
from registry.audit import checkpoints
from registry.cases import consents, objections, reading, terminations
from registry.subprocessors.snapshot import today
from registry.web.portal.forms import ConsentForm, MessageForm, ObjectionForm, TerminationForm
from registry.web.portal.views import bp, controller_required, org_id

TAMPERED = _l("This form was changed after the site sent it (it names another announcement or contract than this "
               "page). Nothing was recorded; check the page and submit again.")


def _reaction(announcement_id: int, contract_id: int) -> reading.Reaction:
    try:
        return reading.reaction(org_id(), announcement_id, contract_id)
    except NotFound:
        abort(404)


def _apply(form, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def _shown(first: Objection | ConsentDecision) -> str:
    if isinstance(first, Objection):
        return url_for("portal.objection", objection_id=first.id)
    return url_for("portal.consent", consent_id=first.id)


@bp.route("/contracts/<int:contract_id>/announcements/<int:announcement_id>/objection", methods=["GET", "POST"])
@controller_required
def object_to(contract_id: int, announcement_id: int):
    item = _reaction(announcement_id, contract_id)
    form = ObjectionForm()
    form.set_services(item.services)
    form.about(announcement_id, contract_id)
    day = today()
    closed = None
    try:
        objections.check_open(item, day)
    except AlreadyDone as done:
        flash(str(done.message), "info")
        return redirect(_shown(done.existing))
    except DomainError as error:
        closed = error.message
    if not form.is_submitted() and not form.service_ids.data:
        form.service_ids.data = [s.id for s in item.services]
    if form.is_submitted():
        if closed is None and form.validate_on_submit():
            if form.tampered(announcement_id, contract_id):
                form.form_errors.append(str(TAMPERED))
            else:
                try:
                    made = objections.submit(current_user, announcement_id, contract_id, form.grounds.data,
                                             form.service_ids.data or [], day)
                except AlreadyDone as done:
                    flash(str(done.message), "info")
                    return redirect(_shown(done.existing))
                except DomainError as error:
                    _apply(form, error)
                else:
                    flash(_("Your objection was received. Reference: %(ref)s.", ref=made.reference), "success")
                    return redirect(url_for("portal.objection", objection_id=made.id))
        return render_template("portal/objection_form.html", r=item, form=form, closed=closed, today=day), 400
    return render_template("portal/objection_form.html", r=item, form=form, closed=closed, today=day)


@bp.route("/contracts/<int:contract_id>/announcements/<int:announcement_id>/consent", methods=["GET", "POST"])
@controller_required
def decide(contract_id: int, announcement_id: int):
    item = _reaction(announcement_id, contract_id)
    form = ConsentForm()
    form.about(announcement_id, contract_id)
    closed = None
    try:
        consents.check_open(item)
    except AlreadyDone as done:
        flash(str(done.message), "info")
        return redirect(_shown(done.existing))
    except DomainError as error:
        closed = error.message
    if form.is_submitted():
        if closed is None and form.validate_on_submit():
            if form.tampered(announcement_id, contract_id):
                form.form_errors.append(str(TAMPERED))
            else:
                try:
                    made = consents.decide(current_user, announcement_id, contract_id, form.decision.data or "",
                                           form.note.data)
                except AlreadyDone as done:
                    flash(str(done.message), "info")
                    return redirect(_shown(done.existing))
                except DomainError as error:
                    _apply(form, error)
                else:
                    flash(_("Your decision was recorded: %(decision)s. Reference: %(ref)s.",
                            decision=str(made.label).lower(), ref=made.reference), "success")
                    return redirect(url_for("portal.consent", consent_id=made.id))
        return render_template("portal/consent_form.html", r=item, form=form, closed=closed, today=today()), 400
    return render_template("portal/consent_form.html", r=item, form=form, closed=closed, today=today())


def _objection(objection_id: int) -> Objection:
    try:
        return reading.own_objection(org_id(), objection_id)
    except NotFound:
        abort(404)


def objection_log(objection: Objection) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.object_type == "Objection", AuditEntry.object_id == objection.id).order_by(AuditEntry.id)))


def _objection_page(item: Objection, message_form=None, termination_form=None, status: int = 200):
    day = today()
    return render_template("portal/objection.html", o=item, today=day, entries=objection_log(item),
                           message_form=message_form or MessageForm(),
                           termination_form=termination_form or TerminationForm(),
                           window=terminations.window(item, day),
                           checkpoint=checkpoints.for_objection(item)), status


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
            _apply(form, error)
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
            _apply(form, error)
        else:
            flash(_("Your notice of termination was recorded (%(ref)s). The contract ends at the end of %(day)s.",
                    ref=made.reference, day=long_date(made.end_date)), "success")
            return redirect(url_for("portal.objection", objection_id=item.id) + "#termination")
    return _objection_page(item, termination_form=form, status=400)


@bp.get("/consents/<int:consent_id>/")
@controller_required
def consent(consent_id: int):
    try:
        item = reading.own_consent(org_id(), consent_id)
    except NotFound:
        abort(404)
    entries = list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.object_type == "ConsentDecision", AuditEntry.object_id == item.id).order_by(AuditEntry.id)))
    return render_template("portal/consent.html", d=item, entries=entries,
                           checkpoint=checkpoints.for_consent(item))

