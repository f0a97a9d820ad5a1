"""Importing a processor's list of sub-processors: the templates, the upload and its preview, the confirmation."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.exceptions import DomainError, NotFound
from registry.imports import registry_apply
from registry.imports.registry_apply import first_day
from registry.imports.registry_columns import COLUMNS, EXAMPLES
from registry.imports.registry_plan import Plan
from registry.imports.templates import csv_template, xlsx_template
from registry.models import Processor
from registry.subprocessors.snapshot import today
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor
from registry.web.admin.import_forms import ConfirmImportForm, ImportForm
from registry.web.admin.uploads import carried, carry, read_form, uploaded
from registry.web.forms import show_error
from registry.web.i18n import LANGUAGES, current_language, long_date

KIND = "registry"


def _page(processor: Processor, form: ImportForm, status: int = 200, plan: Plan | None = None, **extra):
    confirm = None
    if plan is not None and not plan.problems and plan.has_changes:
        confirm = ConfirmImportForm(formdata=None, carried=extra.pop("token"), fingerprint=plan.fingerprint)
    return render_template(
        "admin/import.html",
        processor=processor,
        form=form,
        plan=plan,
        confirm=confirm,
        headers={c.key: c.header(current_language()) for c in COLUMNS},
        first_day=first_day(processor, today()),
        **extra,
    ), status


@bp.get("/processors/<slug>/import")
@editor_of_processor
def import_list(processor: Processor):
    return _page(processor, ImportForm(formdata=None))


@bp.post("/processors/<slug>/import")
@editor_of_processor
def preview_import(processor: Processor):
    form = read_form(ImportForm)
    if not form.validate_on_submit():
        return _page(processor, form, 400)
    try:
        name, data = uploaded(form.file.data)
        form.file.data.close()  # read: the spooled copy goes now, not when the request ends
        plan = registry_apply.plan_import(processor, name, data)
    except DomainError as error:
        show_error(form, error)
        return _page(processor, form, 400)
    if not plan.problems and not plan.has_changes:
        return _page(processor, form, 200, plan, nothing=registry_apply.nothing_to_import(plan).message)
    token = carry(KIND, processor, name, data) if not plan.problems else None
    return _page(processor, form, 200, plan, token=token)


@bp.post("/processors/<slug>/import/confirm")
@editor_of_processor
def confirm_import(processor: Processor):
    form = read_form(ConfirmImportForm)
    upload = ImportForm(formdata=None)
    if not form.validate_on_submit():
        abort(400)
    try:
        name, data = carried(KIND, processor, form.carried.data)
        outcome = registry_apply.apply_import(current_user, processor, name, data, form.fingerprint.data or "")
    except NotFound:
        abort(404)
    except DomainError as error:
        show_error(upload, error)
        return _page(processor, upload, 400)
    if not outcome.applied:
        message = _("The registry changed since the preview. Check this new preview, then confirm again.")
        return _page(processor, upload, 409, outcome.plan, token=form.carried.data, changed=message)
    if outcome.drafts:
        numbers = ", ".join(f"#{a.number}" for a in outcome.drafts)
        flash(
            _(
                "Imported %(file)s: draft announcements %(numbers)s. Check each, then publish it.",
                file=name,
                numbers=numbers,
            ),
            "success",
        )
        return redirect(url_for("admin.announcements", slug=processor.slug))
    flash(
        _(
            "Imported %(file)s: the registry as first recorded, from %(day)s.",
            file=name,
            day=long_date(processor.listed_since),
        ),
        "success",
    )
    return redirect(url_for("admin.processor", slug=processor.slug))


@bp.get("/processors/<slug>/import/template.<any(csv, xlsx):kind>")
@editor_of_processor
def import_template(processor: Processor, kind: str):
    language = request.args.get("lang") or current_language()
    if language not in LANGUAGES:
        abort(400)
    examples = [EXAMPLES[language]]
    name = "subverwerkers" if language == "nl" else "sub-processors"
    if kind == "csv":
        body, mimetype = csv_template(COLUMNS, examples, language), "text/csv; charset=utf-8"
    else:
        body = xlsx_template(COLUMNS, examples, language, name)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})
