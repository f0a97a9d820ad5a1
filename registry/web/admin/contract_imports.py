"""Customer contracts from the processor's own spreadsheet: the template to fill in, the upload and its preview,
the confirmation that stores it (registry.imports.contracts does the work)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField

from registry.exceptions import DomainError, NotFound
from registry.imports import contracts
from registry.mail import invitations
from registry.models import Processor
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor
from registry.web.admin.uploads import carried, carry, read_form, uploaded
from registry.web.forms import PlainTextForm, show_error

KIND = "contracts"
TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

LABELS = {
    "reference": _l("Contract reference"),
    "start_date": _l("Start date"),
    "services": _l("Services"),
    "terms": _l("Contract terms"),
    "notice_email": _l("Notice e-mail"),
    "notice_language": _l("Language"),
}


class ContractUploadForm(PlainTextForm):
    file = FileField(_l("The filled-in file (CSV or XLSX)"))


class ConfirmContractImportForm(PlainTextForm):
    carried = HiddenField()
    fingerprint = HiddenField()
    invite = BooleanField(_l("Invite the privacy officers named in the file (each gets a mail with a link)"))


@bp.get("/processors/<slug>/contracts/import/template.<kind>")
@editor_of_processor
def contract_import_template(processor: Processor, kind: str):
    if kind not in TYPES:
        abort(404)
    language = request.args.get("lang") or str(get_locale() or "nl")
    language = language if language in ("en", "nl") else "nl"
    name = ("contracten" if language == "nl" else "contracts") + f"-{processor.slug}.{kind}"
    return Response(
        contracts.template(processor, language, kind),
        mimetype=TYPES[kind].split(";")[0],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Content-Type": TYPES[kind]},
    )


def _page(processor: Processor, form, preview=None, status: int = 200, notice=None):
    confirm = None
    if preview is not None and preview.importable:
        confirm = ConfirmContractImportForm(formdata=None)
        confirm.carried.data = carry(KIND, processor, preview.filename, preview.data)
        confirm.fingerprint.data = preview.fingerprint
        confirm.invite.data = any(planned.privacy_officer for planned in preview.rows)
    return render_template(
        "admin/contract_import.html",
        processor=processor,
        form=form,
        preview=preview,
        confirm=confirm,
        notice=notice,
        labels=LABELS,
    ), status


@bp.route("/processors/<slug>/contracts/import", methods=["GET", "POST"])
@editor_of_processor
def contract_import(processor: Processor):
    form = read_form(ContractUploadForm)
    if not form.is_submitted():
        return _page(processor, form)
    if form.validate_on_submit():
        try:
            filename, data = uploaded(form.file.data)
            preview = contracts.preview(current_user, processor, filename, data)
        except NotFound:
            abort(404)
        except DomainError as error:
            show_error(form, error)
        else:
            return _page(processor, ContractUploadForm(formdata=None), preview, 200 if preview.importable else 400)
    return _page(processor, form, status=400)


@bp.post("/processors/<slug>/contracts/import/confirm")
@editor_of_processor
def confirm_contract_import(processor: Processor):
    confirm = read_form(ConfirmContractImportForm)
    upload = ContractUploadForm(formdata=None)
    if not confirm.validate_on_submit():
        upload.form_errors.append(_("The preview cannot be confirmed. Upload the file again."))
        return _page(processor, upload, status=400)
    try:
        filename, data = carried(KIND, processor, confirm.carried.data)
        done = contracts.confirm(current_user, processor, filename, data, confirm.fingerprint.data or "")
    except NotFound:
        abort(404)
    except contracts.PreviewChanged as changed:
        return _page(processor, upload, changed.preview, 409, notice=changed.message)
    except DomainError as error:
        show_error(upload, error)
        return _page(processor, upload, status=400)
    flash(
        _(
            "Contracts imported from %(file)s: %(created)d added, %(updated)d changed, %(unchanged)d unchanged.",
            file=filename,
            created=done.created,
            updated=done.updated,
            unchanged=done.unchanged,
        ),
        "success",
    )
    if confirm.invite.data and done.officers:
        _invite(done.officers)
    return redirect(url_for("admin.processor", slug=processor.slug))


def _invite(officers) -> None:
    """The invitations that follow a confirmed import, and what was left out and why."""
    made, left_out = invitations.invite_officers(current_user, officers)
    flash(_("Privacy officers invited: %(count)d.", count=len(made)), "success")
    for email, reason in left_out[:20]:
        flash(_("Not invited: %(email)s (%(reason)s).", email=email, reason=reason), "warning")
    if len(left_out) > 20:
        flash(_("And %(count)d more not invited.", count=len(left_out) - 20), "warning")
