"""The processor's side: its services, contract terms and customer contracts."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from registry.extensions import db
from registry.web.i18n import long_date
from registry.models import (
    AuditEntry,
    ContractTerms,
    CustomerContract,
    Objection,
    Processor,
    Service,
    TerminationNotice,
)
from registry.exceptions import DomainError, NotFound
from registry.subprocessors import editing
from registry.web.admin.forms import ContractForm, NewContractForm, ServiceForm, TermsForm, options

bp = Blueprint("admin", __name__, url_prefix="/admin")


def editor_required(view):
    """Logged in as a site admin or a processor editor; others get 403."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in ("admin", "editor"):
            abort(403, _("This part of the site is for processor editors."))
        return view(*args, **kwargs)
    return wrapped


def own_processor(slug: str) -> Processor:
    """The processor named in the URL, if this user may edit it; 404 otherwise."""
    processor = db.session.scalar(select(Processor).filter_by(slug=slug))
    if processor is None or not current_user.may_edit(processor):
        abort(404)
    return processor


def _owned(model, processor: Processor, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None or obj.processor_id != processor.id:
        abort(404)
    return obj


def _apply_error(form, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


@bp.get("/")
@editor_required
def home():
    if current_user.role == "editor":
        return redirect(url_for("admin.processor", slug=current_user.processor.slug))
    processors = db.session.scalars(select(Processor).order_by(Processor.name)).all()
    return render_template("admin/home.html", processors=processors)


@bp.get("/processors/<slug>/")
@editor_required
def processor(slug: str):
    processor = own_processor(slug)
    contracts = db.session.scalars(select(CustomerContract).filter_by(processor_id=processor.id)
                                   .order_by(CustomerContract.reference)).all()
    entries = db.session.scalars(select(AuditEntry).filter_by(processor_id=processor.id)
                                 .order_by(AuditEntry.id.desc()).limit(10)).all()
    notices = db.session.scalars(select(TerminationNotice).filter_by(processor_id=processor.id)
                                 .order_by(TerminationNotice.given_at.desc())).all()
    open_objections = db.session.scalar(select(func.count()).select_from(Objection).where(
        Objection.processor_id == processor.id, Objection.outcome.is_(None)))
    return render_template("admin/processor.html", processor=processor, contracts=contracts, entries=entries,
                           notices=notices, open_objections=open_objections)


@bp.get("/processors/<slug>/audit")
@editor_required
def audit_log(slug: str):
    processor = own_processor(slug)
    entries = db.session.scalars(select(AuditEntry).filter_by(processor_id=processor.id)
                                 .order_by(AuditEntry.id.desc())).all()
    return render_template("admin/audit.html", processor=processor, entries=entries)


def _edit(template: str, processor: Processor, form, save, object_id, obj, saved: str):
    """Validate the form, call one service, and either redirect or show the form again with errors."""
    if form.validate_on_submit():
        try:
            save(current_user, processor, object_id, form.values())
        except NotFound:
            abort(404)
        except DomainError as error:
            _apply_error(form, error)
        else:
            flash(str(saved), "success")
            return redirect(url_for("admin.processor", slug=processor.slug))
    status = 400 if form.is_submitted() else 200
    return render_template(template, processor=processor, form=form, obj=obj), status


@bp.route("/processors/<slug>/services/new", methods=["GET", "POST"])
@bp.route("/processors/<slug>/services/<int:service_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_service(slug: str, service_id: int | None = None):
    processor = own_processor(slug)
    service = _owned(Service, processor, service_id) if service_id else None
    form = ServiceForm(data=_service_form_data(service))
    return _edit("admin/service_form.html", processor, form, editing.save_service, service_id,
                 service, _l("Service saved."))


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
@editor_required
def edit_terms(slug: str, terms_id: int | None = None):
    processor = own_processor(slug)
    terms = _owned(ContractTerms, processor, terms_id) if terms_id else None
    form = TermsForm(obj=terms)
    return _edit("admin/terms_form.html", processor, form, editing.save_terms, terms_id, terms,
                 _l("Contract terms saved."))


@bp.route("/processors/<slug>/contracts/new", methods=["GET", "POST"])
@bp.route("/processors/<slug>/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_contract(slug: str, contract_id: int | None = None):
    processor = own_processor(slug)
    contract = _owned(CustomerContract, processor, contract_id) if contract_id else None
    # Once a contract exists its organisation is fixed: the edit form has no field for it.
    form = ContractForm(obj=contract) if contract else NewContractForm()
    if contract is None:
        customers = editing.customers(current_user, processor)
        form.organisation_id.choices = options([(0, _("— new organisation —"))] + [(o.id, o.name) for o in customers])
        if current_user.is_admin:
            form.organisation_id.description = _("Every organisation in the portal (you are its operator).")
    form.terms_id.choices = options((t.id, _("%(version)s (from %(day)s)", version=t.version, day=long_date(t.effective_from)))
                                    for t in processor.contract_terms)
    form.service_ids.choices = options((s.id, s.name) for s in processor.services)
    if contract is not None and not form.is_submitted():
        form.service_ids.data = [s.id for s in contract.services]
    return _edit("admin/contract_form.html", processor, form, editing.save_contract, contract_id,
                 contract, _l("Contract saved."))
