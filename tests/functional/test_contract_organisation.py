"""A contract stays with the organisation it was made for; an editor picks only among its own customers.

From the demo data: Huisartsenpraktijk X has contracts with Vcare and BeterDichtbij, so it is Vcare's only
customer; VTM has none. The `users` fixture adds Praktijk B (a controller organisation with no contract).
"""

import re

import pytest
from sqlalchemy import func, select

from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import AuditEntry, CustomerContract, Organisation, OutboxMessage, Processor
from registry.subprocessors import editing as administration

from .portal import announce

NEW = "— new organisation —"


def _processor(slug):
    return db.session.scalar(select(Processor).filter_by(slug=slug))


def _organisation(slug):
    return db.session.scalar(select(Organisation).filter_by(slug=slug))


def _vcare_contract():
    return db.session.scalar(
        select(CustomerContract).filter_by(
            processor_id=_processor("vcare").id, reference="VC-2024-0117 (telefonie en Operator)"
        )
    )


def _organisation_options(html):
    select_html = re.search(r'<select[^>]*name="organisation_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', select_html)


def _contract_data(slug="vcare", **change):
    processor = _processor(slug)
    data = {
        "organisation_id": "0",
        "organisation_name": "Praktijk Nieuw",
        "reference": "C-2027-1",
        "start_date": "2027-01-01",
        "terms_id": str(processor.contract_terms[0].id),
        "service_ids": [str(processor.services[0].id)],
        "notice_email": "privacy@nieuw.example",
        "notice_language": "en",
    }
    data.update(change)
    return data


def test_the_new_contract_form_lists_only_the_processors_own_customers(client, users, login):
    x = _organisation("huisartsenpraktijk-x")
    login(users.vcare_editor)
    html = client.get("/admin/processors/vcare/contracts/new").get_data(as_text=True)
    assert _organisation_options(html) == [("0", NEW), (str(x.id), "Huisartsenpraktijk X")]
    client.post("/logout")
    login(users.vtm_editor)
    html = client.get("/admin/processors/vtm/contracts/new").get_data(as_text=True)
    assert _organisation_options(html) == [("0", NEW)]


def test_the_portals_operator_may_choose_any_organisation(client, users, login):
    x, b = _organisation("huisartsenpraktijk-x"), _organisation("praktijk-b")
    login(users.admin)
    html = client.get("/admin/processors/vtm/contracts/new").get_data(as_text=True)
    assert _organisation_options(html) == [("0", NEW), (str(x.id), "Huisartsenpraktijk X"), (str(b.id), "Praktijk B")]


def test_the_edit_form_shows_the_organisation_as_fixed(client, users, login):
    login(users.vcare_editor)
    html = client.get(f"/admin/processors/vcare/contracts/{_vcare_contract().id}/edit").get_data(as_text=True)
    assert 'name="organisation_id"' not in html and 'name="organisation_name"' not in html
    assert "Controller organisation: <strong>Huisartsenpraktijk X</strong>" in html
    assert "For another organisation, add a new contract." in html


def _edit_data(contract, **change):
    data = {
        "reference": contract.reference,
        "start_date": contract.start_date.isoformat(),
        "terms_id": str(contract.terms_id),
        "service_ids": [str(s.id) for s in contract.services],
        "notice_email": contract.notice_email,
        "notice_language": contract.notice_language,
    }
    return {**data, **change}


@pytest.mark.parametrize(
    "organisation", [{"organisation_id": "praktijk-b"}, {"organisation_id": "0", "organisation_name": "Praktijk B"}]
)
def test_an_edit_cannot_move_a_contract_and_its_history_to_another_organisation(client, users, login, organisation):
    contract = _vcare_contract()
    announce(users.vcare_editor)  # notices to the contract's address: its delivery history
    notices = db.session.scalar(select(func.count()).select_from(OutboxMessage).filter_by(contract_id=contract.id))
    assert notices == 1
    if organisation.get("organisation_id") == "praktijk-b":
        organisation = {"organisation_id": str(_organisation("praktijk-b").id)}
    login(users.vcare_editor)
    response = client.post(
        f"/admin/processors/vcare/contracts/{contract.id}/edit",
        data=_edit_data(contract, notice_email="privacy@x-nieuw.example", **organisation),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    contract = _vcare_contract()
    assert contract.organisation.slug == "huisartsenpraktijk-x"  # the rest of the edit was saved
    assert contract.notice_email == "privacy@x-nieuw.example"
    update = db.session.scalar(select(AuditEntry).filter_by(action="contract.update", object_id=contract.id))
    assert list(update.details["changes"]) == ["notice_email"]
    client.post("/logout")
    login(users.controller_b)
    assert client.get(f"/portal/contracts/{contract.id}/").status_code == 404
    deliveries = client.get("/portal/deliveries").get_data(as_text=True)
    assert "VC-2024-0117" not in deliveries and "privacy@huisartsenpraktijk-x.example" not in deliveries
    assert "VC-2024-0117" not in client.get("/portal/deliveries.csv").get_data(as_text=True)


def test_the_service_refuses_to_move_a_contract(app, users):
    contract = _vcare_contract()
    values = {
        "organisation_id": _organisation("praktijk-b").id,
        "organisation_name": None,
        "reference": contract.reference,
        "start_date": contract.start_date,
        "terms_id": contract.terms_id,
        "service_ids": [s.id for s in contract.services],
        "notice_email": contract.notice_email,
        "notice_language": contract.notice_language,
    }
    with pytest.raises(DomainError) as refused:
        administration.save_contract(users.vcare_editor, _processor("vcare"), contract.id, values)
    assert str(refused.value.message) == (
        "A contract stays with the organisation it was made for (Huisartsenpraktijk X). "
        "For another organisation, add a new contract."
    )
    db.session.rollback()
    assert _vcare_contract().organisation.slug == "huisartsenpraktijk-x"


@pytest.fixture
def vtm_customer(client, users, login):
    """Tandartspraktijk Y, made a customer of VTM by VTM's editor."""
    login(users.vtm_editor)
    response = client.post(
        "/admin/processors/vtm/contracts/new",
        data=_contract_data("vtm", organisation_name="Tandartspraktijk Y", reference="VTM-1"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    return _organisation("tandartspraktijk-y")


@pytest.mark.parametrize(
    "field,message",
    [
        (
            "organisation_id",
            "Choose one of the organisations in the list (the customers of Vcare), or type the name of "
            "a new organisation.",
        ),
        ("terms_id", "Choose one of the contract-terms versions of Vcare."),
        ("service_ids", "Choose services of Vcare only."),
    ],
)
def test_another_tenants_ids_in_the_new_contract_form_are_refused(client, users, login, vtm_customer, field, message):
    vtm = _processor("vtm")
    theirs = {
        "organisation_id": str(vtm_customer.id),
        "terms_id": str(vtm.contract_terms[0].id),
        "service_ids": [str(vtm.services[0].id)],
    }
    login(users.vcare_editor)
    response = client.post("/admin/processors/vcare/contracts/new", data=_contract_data(**{field: theirs[field]}))
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and message in text
    assert 'value="C-2027-1"' in text  # what was typed is kept
    assert db.session.scalar(select(CustomerContract).filter_by(reference="C-2027-1")) is None


def test_a_typed_name_of_another_processors_customer_makes_a_new_organisation(client, users, login, vtm_customer):
    login(users.vcare_editor)
    response = client.post(
        "/admin/processors/vcare/contracts/new", data=_contract_data(organisation_name="Tandartspraktijk Y")
    )
    assert response.status_code == 302
    contract = db.session.scalar(select(CustomerContract).filter_by(reference="C-2027-1"))
    assert contract.organisation.slug == "tandartspraktijk-y-2" and contract.organisation != vtm_customer
    assert [c.reference for c in vtm_customer.contracts] == ["VTM-1"]


def test_a_new_organisations_slug_spells_out_accented_letters(client, users, login):
    login(users.vcare_editor)
    response = client.post(
        "/admin/processors/vcare/contracts/new", data=_contract_data(organisation_name="Müller GmbH & Co.")
    )
    assert response.status_code == 302
    contract = db.session.scalar(select(CustomerContract).filter_by(reference="C-2027-1"))
    assert contract.organisation.slug == "muller-gmbh-co" and contract.organisation.name == "Müller GmbH & Co."


def test_a_typed_name_of_an_own_customer_is_that_customer(client, users, login):
    login(users.vcare_editor)
    response = client.post(
        "/admin/processors/vcare/contracts/new", data=_contract_data(organisation_name="Huisartsenpraktijk X")
    )
    assert response.status_code == 302
    contract = db.session.scalar(select(CustomerContract).filter_by(reference="C-2027-1"))
    assert contract.organisation == _organisation("huisartsenpraktijk-x")
