"""The processor's side: its home, its audit log, its services, contract terms and customer contracts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.audit import history
from registry.cases import overview
from registry.exceptions import DomainError, NotFound
from registry.models import ContractTerms, CustomerContract, Processor, Service
from registry.subprocessors import editing, reading
from registry.subprocessors.snapshot import all_processors
from registry.web.admin import bp, invitations
from registry.web.admin.access import editor_of_processor, editor_required, owned
from registry.web.admin.forms import ContractForm, NewContractForm, ServiceForm, TermsForm, options
from registry.web.admin.onboarding_forms import InviteForm
from registry.web.forms import show_error
from registry.web.i18n import long_date


@bp.get("/")
@editor_required
def home():
    if current_user.role == "editor":
        return redirect(url_for("admin.processor", slug=current_user.processor.slug))
    return render_template("admin/home.html", processors=all_processors())


@bp.get("/processors/<slug>/")
@editor_of_processor
def processor(processor: Processor):
    return render_template(
        "admin/processor.html",
        processor=processor,
        contracts=reading.customer_contracts_of(processor),
        entries=history.of_processor(processor.id, limit=10),
        notices=overview.terminations_of(processor.id),
        open_objections=overview.open_objections(processor.id),
    )


@bp.get("/processors/<slug>/audit")
@editor_of_processor
def audit_log(processor: Processor):
    return render_template("admin/audit.html", processor=processor, entries=history.of_processor(processor.id))


def _edit(template: str, processor: Processor, form, save, object_id, obj, saved: str, **extra):
    """Validate the form, call one service, and either redirect or show the form again with errors."""
    if form.validate_on_submit():
        try:
            save(current_user, processor, object_id, form.values())
        except NotFound:
            abort(404)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(str(saved), "success")
            return redirect(url_for("admin.processor", slug=processor.slug))
    status = 400 if form.is_submitted() else 200
    return render_template(template, processor=processor, form=form, obj=obj, **extra), status


@bp.route("/processors/<slug>/services/new", methods=["GET", "POST"])
@bp.route("/processors/<slug>/services/<int:service_id>/edit", methods=["GET", "POST"])
@editor_of_processor
def edit_service(processor: Processor, service_id: int | None = None):
    service = owned(Service, processor, service_id) if service_id else None
    form = ServiceForm(data=_service_form_data(service))
    return _edit(
        "admin/service_form.html", processor, form, editing.save_service, service_id, service, _l("Service saved.")
    )


def _service_form_data(service: Service | None) -> dict | None:
    """A service as the form shows it: its lists one item per line."""
    if service is None:
        return None
    data = {name: getattr(service, name) for name in ("name", "key", "description", "retention", "source")}
    for name in ("data_categories", "data_subjects", "purposes"):
        data[name] = "\n".join(getattr(service, name) or [])
    return data


@bp.route("/processors/<slug>/terms/new", methods=["GET", "POST"])
@bp.route("/processors/<slug>/terms/<int:terms_id>/edit", methods=["GET", "POST"])
@editor_of_processor
def edit_terms(processor: Processor, terms_id: int | None = None):
    terms = owned(ContractTerms, processor, terms_id) if terms_id else None
    form = TermsForm(obj=terms)
    return _edit(
        "admin/terms_form.html", processor, form, editing.save_terms, terms_id, terms, _l("Contract terms saved.")
    )


@bp.route("/processors/<slug>/contracts/new", methods=["GET", "POST"])
@bp.route("/processors/<slug>/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@editor_of_processor
def edit_contract(processor: Processor, contract_id: int | None = None):
    contract = owned(CustomerContract, processor, contract_id) if contract_id else None
    form = contract_form(processor, contract)
    extra = invitations.section(processor, contract, InviteForm()) if contract else {}
    return _edit(
        "admin/contract_form.html",
        processor,
        form,
        editing.save_contract,
        contract_id,
        contract,
        _l("Contract saved."),
        **extra,
    )


def contract_form(processor: Processor, contract: CustomerContract | None):
    """The contract form with its choices; once a contract exists its organisation is fixed (no field for it)."""
    form = ContractForm(obj=contract) if contract else NewContractForm()
    if contract is None:
        customers = editing.customers(current_user, processor)
        form.organisation_id.choices = options([(0, _("— new organisation —"))] + [(o.id, o.name) for o in customers])
        if current_user.is_admin:
            form.organisation_id.description = _("Every organisation in the portal (you are its operator).")
    form.terms_id.choices = options(
        (t.id, _("%(version)s (from %(day)s)", version=t.version, day=long_date(t.effective_from)))
        for t in processor.contract_terms
    )
    form.service_ids.choices = options((s.id, s.name) for s in processor.services)
    if contract is not None and not form.is_submitted():
        form.service_ids.data = [s.id for s in contract.services]
    return form
