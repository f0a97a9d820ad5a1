"""The editor's announcements: draft, preview, publish, withdraw; the proof of delivery of their notices."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.announcements import deadlines, publication
from registry.announcements.drafting import delete_draft, deletion_refused, get_announcement, save_draft
from registry.announcements.reading import announcements_of, services_using
from registry.announcements.summary import describe
from registry.exceptions import DomainError, NotFound
from registry.mail import evidence
from registry.models import KINDS, Announcement, CustomerContract, Processor
from registry.subprocessors import reading
from registry.subprocessors.snapshot import today
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor, owned
from registry.web.admin.announcement_forms import (
    AnnouncementForm,
    DeleteForm,
    PublishForm,
    WithdrawForm,
    form_data,
    kinds_of,
)
from registry.web.forms import show_error


def _form(processor: Processor, data=None) -> AnnouncementForm:
    every = reading.sub_processors_of(processor)
    # Every entity is offered (down the chain too): the domain says clearly why one cannot be replaced or removed.
    return AnnouncementForm(data=data, sub_processors=every, engaged=every, services=processor.services)


def _chosen_kind(draft: Announcement | None) -> str | None:
    """The kind whose fields the form shows: as posted, as asked for in ?kind= (the first step, without
    JavaScript), or the draft's; None until one is chosen."""
    source = request.form if request.method == "POST" else request.args
    kind = source.get("kind")
    if kind in KINDS:
        return kind
    return draft.kind if draft is not None and request.method == "GET" else None


def _tick_services(processor: Processor, form: AnnouncementForm) -> None:
    """Tick exactly the services that use the sub-processor chosen (the one down the chain's parent, else the
    one that is replaced, removed or moves); without one, say so at the services."""
    kind = form.kind.data
    if kind != "change_locations" and form.parent_id.data:
        chosen = form.parent_id.data
    else:
        chosen = form.target_id.data if kind in ("replace", "remove", "change_locations") else None
    using = services_using(processor, today())
    if not chosen or chosen not in using:
        form.service_ids.errors = [_("Choose the sub-processor first: then its services can be ticked.")]
        return
    form.service_ids.data = using[chosen]


def _announcement(processor: Processor, announcement_id: int) -> Announcement:
    try:
        return get_announcement(processor, announcement_id)
    except NotFound:
        abort(404)


@bp.get("/processors/<slug>/announcements/")
@editor_of_processor
def announcements(processor: Processor):
    return render_template("admin/announcements.html", processor=processor, items=announcements_of(processor))


@bp.route("/processors/<slug>/announcements/new", methods=["GET", "POST"])
@bp.route("/processors/<slug>/announcements/<int:announcement_id>/edit", methods=["GET", "POST"])
@editor_of_processor
def edit_announcement(processor: Processor, announcement_id: int | None = None):
    draft = _announcement(processor, announcement_id) if announcement_id else None
    if draft is not None and not draft.is_draft:
        flash(
            _(
                "Announcement #%(number)s is %(status)s and can no longer be changed.",
                number=draft.number,
                status=draft.status_label,
            ),
            "error",
        )
        if request.method == "POST":
            return _detail(processor, draft, status=400)
        return redirect(url_for("admin.announcement", slug=processor.slug, announcement_id=draft.id))
    form = _form(processor, form_data(draft) if draft else None)
    kind = _chosen_kind(draft)
    if kind is not None:
        form.kind.data = kind
    if request.method == "POST" and "tick_services" in request.form:  # re-shown with them ticked, nothing saved
        _tick_services(processor, form)
        return _form_page(processor, form, draft, kind, 200)
    if form.validate_on_submit():
        try:
            saved = save_draft(current_user, processor, announcement_id, form.values())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Draft #%(number)s saved. Check the preview, then publish.", number=saved.number), "success")
            return redirect(url_for("admin.announcement", slug=processor.slug, announcement_id=saved.id))
    return _form_page(processor, form, draft, kind, 400 if form.is_submitted() else 200)


def _form_page(processor: Processor, form: AnnouncementForm, draft: Announcement | None, kind: str | None, status):
    using = services_using(processor, today())
    return render_template(
        "admin/announcement_form.html",
        processor=processor,
        form=form,
        draft=draft,
        kind=kind,
        kinds=KINDS,
        kinds_of=kinds_of,
        services_of=json.dumps({str(sp): ids for sp, ids in using.items()}, separators=(",", ":")),
        today=today(),
    ), status


def _detail(processor: Processor, item: Announcement, status: int = 200, error: str | None = None, withdraw_form=None):
    facts = describe(item)
    notices = (
        deadlines.per_contract(processor, item.services, today(), bool(facts.outside_eea)) if item.is_draft else []
    )
    return render_template(
        "admin/announcement.html",
        processor=processor,
        a=item,
        f=facts,
        notices=notices,
        binding=deadlines.binding(notices),
        error=error,
        publish_form=PublishForm(),
        withdraw_form=withdraw_form or WithdrawForm(),
        today=today(),
    ), status


@bp.get("/processors/<slug>/announcements/<int:announcement_id>/")
@editor_of_processor
def announcement(processor: Processor, announcement_id: int):
    return _detail(processor, _announcement(processor, announcement_id))


@bp.post("/processors/<slug>/announcements/<int:announcement_id>/publish")
@editor_of_processor
def publish(processor: Processor, announcement_id: int):
    item = _announcement(processor, announcement_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        version = publication.publish(current_user, processor, item.id)
    except DomainError as error:  # the service rolled back: the page shows the announcement as stored
        return _detail(processor, _announcement(processor, announcement_id), 400, str(error.message))
    flash(_("Published as registry version %(number)s.", number=version.number), "success")
    return redirect(url_for("admin.announcement", slug=processor.slug, announcement_id=item.id))


@bp.post("/processors/<slug>/announcements/<int:announcement_id>/withdraw")
@editor_of_processor
def withdraw(processor: Processor, announcement_id: int):
    item = _announcement(processor, announcement_id)
    form = WithdrawForm()
    if not form.validate_on_submit():  # the reason comes back as typed, with what is wrong with it
        return _detail(
            processor,
            item,
            400,
            " ".join(map(str, form.reason.errors)) or _("Give the reason for the withdrawal."),
            withdraw_form=form,
        )
    try:
        version = publication.withdraw(current_user, processor, item.id, form.reason.data)
    except DomainError as error:  # the service rolled back: the page shows the announcement as stored
        return _detail(processor, _announcement(processor, announcement_id), 400, str(error.message))
    flash(_("Withdrawn; the withdrawal is registry version %(number)s.", number=version.number), "success")
    return redirect(url_for("admin.announcement", slug=processor.slug, announcement_id=item.id))


@bp.route("/processors/<slug>/announcements/<int:announcement_id>/delete", methods=["GET", "POST"])
@editor_of_processor
def delete_announcement(processor: Processor, announcement_id: int):
    """A draft is deleted after a confirming button (GET asks, POST deletes); a published one refuses clearly."""
    item = _announcement(processor, announcement_id)
    form = DeleteForm()
    if request.method == "GET":
        if not item.is_draft:
            return _detail(processor, item, 400, str(deletion_refused(item)))
        return render_template("admin/announcement_delete.html", processor=processor, a=item, form=form)
    if not form.validate_on_submit():
        abort(400)
    try:
        number = delete_draft(current_user, processor, item.id)
    except DomainError as error:  # the service rolled back: the page shows the announcement as stored
        return _detail(processor, _announcement(processor, announcement_id), 400, str(error.message))
    flash(_("Draft #%(number)s deleted.", number=number), "success")
    return redirect(url_for("admin.announcements", slug=processor.slug))


def _references(processor: Processor) -> dict[int, str]:
    """Contract id → how a delivery names it: the reference and the customer."""
    return {c.id: f"{c.reference} ({c.organisation.name})" for c in reading.customer_contracts_of(processor)}


def _csv(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/processors/<slug>/announcements/<int:announcement_id>/deliveries")
@editor_of_processor
def deliveries(processor: Processor, announcement_id: int):
    item = _announcement(processor, announcement_id)
    return render_template(
        "admin/deliveries.html",
        processor=processor,
        a=item,
        rows=evidence.messages(announcement_id=item.id),
        refs=_references(processor),
    )


@bp.get("/processors/<slug>/announcements/<int:announcement_id>/deliveries.csv")
@editor_of_processor
def deliveries_csv(processor: Processor, announcement_id: int):
    item = _announcement(processor, announcement_id)
    body = evidence.as_csv(evidence.messages(announcement_id=item.id), _references(processor))
    return _csv(body, f"{processor.slug}-announcement-{item.number}-deliveries.csv")


@bp.get("/processors/<slug>/contracts/<int:contract_id>/deliveries")
@editor_of_processor
def contract_deliveries(processor: Processor, contract_id: int):
    contract = owned(CustomerContract, processor, contract_id)
    return render_template(
        "admin/deliveries.html",
        processor=processor,
        a=None,
        contract=contract,
        rows=evidence.messages(contract_ids=[contract.id]),
        refs=_references(processor),
    )


@bp.get("/processors/<slug>/contracts/<int:contract_id>/deliveries.csv")
@editor_of_processor
def contract_deliveries_csv(processor: Processor, contract_id: int):
    contract = owned(CustomerContract, processor, contract_id)
    body = evidence.as_csv(evidence.messages(contract_ids=[contract.id]), _references(processor))
    return _csv(body, f"{processor.slug}-contract-{contract.id}-notices.csv")
