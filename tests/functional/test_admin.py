"""The processor's side: services, contract terms and contracts, own processor only, every change audited."""

import pytest
from sqlalchemy import select

from registry.audit.trail import verify_chain
from registry.extensions import db
from registry.models import AuditEntry, ContractTerms, CustomerContract, Organisation, Processor, Service

from ..html import field_errors, parse, table_rows, texts
from .attacker import disable_audit_guards


def _ids():
    vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    service = vcare.services[0]
    terms = vcare.contract_terms[0]
    contract = db.session.scalar(select(CustomerContract).filter_by(processor_id=vcare.id))
    return service.id, terms.id, contract.id


def vcare_routes():
    service_id, terms_id, contract_id = _ids()
    base = "/admin/processors/vcare"
    return [
        base + "/",
        base + "/audit",
        base + "/services/new",
        f"{base}/services/{service_id}/edit",
        base + "/terms/new",
        f"{base}/terms/{terms_id}/edit",
        base + "/contracts/new",
        f"{base}/contracts/{contract_id}/edit",
    ]


@pytest.mark.parametrize(
    "who,expected",
    [
        ("anonymous", 302),
        ("controller_a", 403),
        ("controller_b", 403),
        ("vcare_editor", 200),
        ("vtm_editor", 404),
        ("admin", 200),
    ],
)
def test_authorisation_matrix_for_vcare_admin_routes(client, users, login, who, expected):
    if who != "anonymous":
        login(getattr(users, who))
    for url in vcare_routes():
        assert client.get(url).status_code == expected, url
        if url.endswith(("new", "edit")):
            # Allowed users get the new-form back with messages (400); an empty
            # POST to an edit form keeps the stored values. Never a 500.
            status = client.post(url, data={}).status_code
            if expected != 200:
                assert status == expected, url
            else:
                assert status == 400 if url.endswith("new") else status in (302, 400), url


def test_admin_home_sends_an_editor_to_its_processor(client, users, login):
    login(users.vtm_editor)
    assert client.get("/admin/").headers["Location"] == "/admin/processors/vtm/"


def test_site_admin_sees_all_processors(client, users, login):
    login(users.admin)
    text = client.get("/admin/").get_data(as_text=True)
    assert all(f"/admin/processors/{slug}/" in text for slug in ["vcare", "vtm", "ipvoice", "contict", "beterdichtbij"])


def test_an_edit_of_another_processors_object_is_404(client, users, login):
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    vtm_service = vtm.services[0]
    login(users.vcare_editor)
    assert client.get(f"/admin/processors/vcare/services/{vtm_service.id}/edit").status_code == 404
    assert (
        client.post(f"/admin/processors/vcare/services/{vtm_service.id}/edit", data={"name": "Hijacked"}).status_code
        == 404
    )
    assert db.session.get(Service, vtm_service.id).name == "IT & Telecom diensten"


SERVICE = {
    "name": "Spraakherkenning",
    "key": "",
    "description": "Transcriptie van gesprekken",
    "data_categories": "Spraakopnamen\nTranscripties",
    "data_subjects": "Bellers",
    "purposes": "Transcriptie",
    "retention": "30 dagen",
    "source": "Bijlage A (versie 2)",
}


def test_editor_adds_a_service_and_it_is_audited(client, users, login):
    login(users.vcare_editor)
    response = client.post("/admin/processors/vcare/services/new", data=SERVICE)
    assert response.status_code == 302
    service = db.session.scalar(select(Service).filter_by(key="spraakherkenning"))
    assert service.data_categories == ["Spraakopnamen", "Transcripties"]
    entry = db.session.scalar(select(AuditEntry).filter_by(action="service.create", object_id=service.id))
    assert entry.actor_label == users.vcare_editor.email and entry.at.tzinfo is not None
    public = client.get("/processors/vcare/services/spraakherkenning/").get_data(as_text=True)
    assert "Spraakherkenning" in texts(public, "h1")[0]
    audit_page = client.get("/admin/processors/vcare/audit").get_data(as_text=True)
    newest = table_rows(audit_page, "Every change, newest first")[0]
    assert newest[1:3] == [users.vcare_editor.email, "Added service Spraakherkenning"]
    assert "retention: 30 dagen" in newest[3]
    assert verify_chain() == []


def test_editing_a_service_records_what_changed(client, users, login):
    login(users.vcare_editor)
    service_id, _, _ = _ids()
    page = client.get(f"/admin/processors/vcare/services/{service_id}/edit").get_data(as_text=True)
    # The lists come back one item per line, as stored.
    stored = db.session.get(Service, service_id).data_categories
    assert "Gezondheidsinformatie" in stored
    assert parse(page).find(".//textarea[@id='data_categories']").text.strip().splitlines() == stored
    data = dict(SERVICE, name="Telefonie", key="telefonie")
    assert client.post(f"/admin/processors/vcare/services/{service_id}/edit", data=data).status_code == 302
    entry = db.session.scalar(select(AuditEntry).filter_by(action="service.update", object_id=service_id))
    assert entry.details["changes"]["name"] == ["Telefonie diensten", "Telefonie"]


@pytest.mark.parametrize(
    "data,errors",
    [
        (dict(SERVICE, name=""), {"name": "Give the service a name."}),
        (
            dict(SERVICE, key="Bad Key!"),
            {"key": "The key may hold lower-case letters, digits and single hyphens only."},
        ),
        (dict(SERVICE, key="sendi"), {"key": "Vcare has a service with key 'sendi' already."}),
        (dict(SERVICE, name="x" * 300), {"name": "Field cannot be longer than 200 characters."}),
    ],
)
def test_bad_service_input_keeps_what_was_typed(client, users, login, data, errors):
    login(users.vcare_editor)
    before = db.session.scalar(select(db.func.count()).select_from(Service))
    response = client.post("/admin/processors/vcare/services/new", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and field_errors(text) == errors
    assert "Transcriptie van gesprekken" in text  # kept
    assert db.session.scalar(select(db.func.count()).select_from(Service)) == before


TERMS = {
    "version": "2027-01",
    "effective_from": "2027-01-01",
    "authorisation": "general",
    "authorisation_article": "4.1",
    "authorisation_text": "General",
    "notice_days": "45",
    "notice_article": "4.1",
    "notice_text": "",
    "objection_route": "objection",
    "objection_article": "4.1",
    "objection_text": "",
    "termination_allowed": "y",
    "termination_months": "1",
    "termination_article": "4.1",
    "termination_text": "",
    "transfer_rule": "consent_required",
    "transfer_article": "5.3",
    "transfer_text": "",
    "named_transfer_bases": ["scc"],
    "list_article": "4.1",
    "list_text": "",
}


def test_editor_adds_a_version_of_the_contract_terms(client, users, login):
    login(users.vcare_editor)
    assert client.post("/admin/processors/vcare/terms/new", data=TERMS).status_code == 302
    terms = db.session.scalar(select(ContractTerms).filter_by(version="2027-01"))
    assert terms.notice_days == 45 and terms.named_transfer_bases == ["scc"]
    assert terms.processor.terms_at(terms.effective_from) == terms
    assert db.session.scalar(select(AuditEntry).filter_by(action="terms.create", object_id=terms.id))


@pytest.mark.parametrize(
    "change,errors",
    [
        (
            {"termination_months": ""},
            {"termination_months": "Give the termination period in months when the contract allows termination."},
        ),
        ({"notice_days": "0"}, {"notice_days": "Between 1 and 365 days."}),
        ({"notice_days": "abc"}, {"notice_days": "Not a valid integer value. Between 1 and 365 days."}),
        ({"effective_from": "01-01-2027"}, {"effective_from": "Not a valid date value."}),
        (
            {"authorisation": "specific"},
            {
                "objection_route": "Under specific authorisation the controller gives or "
                "refuses consent; choose 'consent' as the route."
            },
        ),
        ({"authorisation": "whatever"}, {"authorisation": "Not a valid choice."}),
        (
            {"named_transfer_bases": ["teleport"]},
            {"named_transfer_bases": "'teleport' is not a valid choice for this field."},
        ),
        (
            {"version": "Verwerkersovereenkomst Vcareconnect B.V."},
            {
                "version": "Version 'Verwerkersovereenkomst Vcareconnect B.V.' exists already; "
                "give this version another name."
            },
        ),
    ],
)
def test_bad_terms_are_refused_with_a_message(client, users, login, change, errors):
    login(users.vcare_editor)
    response = client.post("/admin/processors/vcare/terms/new", data=dict(TERMS, **change))
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == errors
    assert db.session.scalar(select(ContractTerms).filter_by(version="2027-01")) is None


def test_terms_may_record_privacy_shield_named_by_the_contract_and_check_flags_it(client, users, login):
    login(users.vcare_editor)
    data = dict(TERMS, named_transfer_bases=["adequacy", "privacy_shield"], effective_from="2026-11-02")
    assert client.post("/admin/processors/vcare/terms/new", data=data).status_code == 302
    findings = texts(client.get("/processors/vcare/").get_data(as_text=True), "li")
    assert (
        "The contract (art. 5.3) names EU-US Privacy Shield (Decision 2016/1250) as a transfer basis; "
        "Invalidated by the Court of Justice of the EU on 16 July 2020 (C-311/18, Schrems II). The portal does "
        "not accept it as a current basis. [art. 5.3]"
    ) in findings


def _contract_data(**change):
    vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    data = {
        "organisation_id": "0",
        "organisation_name": "Huisartsenpraktijk De Linde",
        "reference": "VC-2026-9",
        "start_date": "2026-06-01",
        "terms_id": str(vcare.contract_terms[0].id),
        "service_ids": [str(vcare.services[0].id), str(vcare.services[6].id)],
        "notice_email": "Privacy@DeLinde.example",
    }
    data.update(change)
    return data


def test_editor_adds_a_customer_contract_with_a_new_organisation(client, users, login):
    login(users.vcare_editor)
    assert client.post("/admin/processors/vcare/contracts/new", data=_contract_data()).status_code == 302
    contract = db.session.scalar(select(CustomerContract).filter_by(reference="VC-2026-9"))
    assert contract.organisation.name == "Huisartsenpraktijk De Linde"
    assert contract.notice_email == "privacy@delinde.example"
    assert [s.key for s in contract.services] == ["telefonie", "operator"]
    assert db.session.scalar(select(AuditEntry).filter_by(action="contract.create", object_id=contract.id))


def test_a_contract_can_use_an_existing_customer(client, users, login):
    login(users.vcare_editor)
    org = db.session.scalar(select(Organisation).filter_by(slug="huisartsenpraktijk-x"))
    client.post(
        "/admin/processors/vcare/contracts/new", data=_contract_data(organisation_id=str(org.id), organisation_name="")
    )
    assert db.session.scalar(select(CustomerContract).filter_by(reference="VC-2026-9")).organisation == org


def test_editing_a_contract_changes_its_services(client, users, login):
    login(users.vcare_editor)
    _, _, contract_id = _ids()
    contract = db.session.get(CustomerContract, contract_id)
    data = _contract_data(reference=contract.reference)
    assert client.post(f"/admin/processors/vcare/contracts/{contract_id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [s.key for s in db.session.get(CustomerContract, contract_id).services] == ["telefonie", "operator"]


def test_all_contract_errors_are_shown_at_once(client, users, login):
    login(users.vcare_editor)
    data = _contract_data(organisation_name="", start_date="", service_ids=[], notice_email="bad")
    text = client.post("/admin/processors/vcare/contracts/new", data=data).get_data(as_text=True)
    for message in [
        "Choose the controller organisation",
        "Give the start date",
        "Choose at least one service",
        "Not a valid e-mail address",
    ]:
        assert message in text
    assert 'value="VC-2026-9"' in text  # what was typed is kept


def test_tampered_service_of_another_processor_is_refused(client, users, login):
    vtm_service = db.session.scalar(select(Processor).filter_by(slug="vtm")).services[0]
    login(users.vcare_editor)
    response = client.post(
        "/admin/processors/vcare/contracts/new", data=_contract_data(service_ids=[str(vtm_service.id)])
    )
    assert response.status_code == 400 and "Choose services of Vcare only." in response.get_data(as_text=True)
    assert db.session.scalar(select(CustomerContract).filter_by(reference="VC-2026-9")) is None


@pytest.mark.parametrize(
    "change,message",
    [
        ({"organisation_name": ""}, "Choose the controller organisation or type the name of a new one."),
        ({"organisation_name": "!!!"}, "at least one letter or digit"),
        ({"service_ids": []}, "Choose at least one service"),
        ({"notice_email": "not-an-address"}, "Not a valid e-mail address"),
        ({"notice_email": "a@b.nl\r\nBcc: x@y.z"}, "Remove the line break (U+000D) at position 7"),
        ({"start_date": "2026-02-30"}, "Not a valid date value."),
        ({"reference": ""}, "Give the contract reference."),
        ({"reference": "VC-2024-0117 (telefonie en Operator)"}, "exists already"),
        ({"terms_id": "999999"}, "Choose one of the contract-terms versions of Vcare."),
        ({"terms_id": "x"}, "Invalid Choice: could not coerce."),
        ({"organisation_id": "999999"}, "Choose one of the organisations in the list (the customers of Vcare)"),
    ],
)
def test_bad_contract_input_gets_a_message_and_keeps_the_input(client, users, login, change, message):
    login(users.vcare_editor)
    response = client.post("/admin/processors/vcare/contracts/new", data=_contract_data(**change))
    text = response.get_data(as_text=True)
    assert response.status_code == 400, text
    assert message.lower() in text.lower()
    assert db.session.scalar(select(CustomerContract).filter_by(reference="VC-2026-9")) is None


def test_audit_log_is_append_only_and_tamper_evident(app, runner):
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id))
    with pytest.raises(RuntimeError):
        entry.summary = "rewritten"
        db.session.flush()
    db.session.rollback()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    disable_audit_guards()  # the database refuses it itself (test_audit_checkpoints); an attacker turns that off
    db.session.execute(AuditEntry.__table__.update().where(AuditEntry.id == entry.id).values(summary="rewritten"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"entry number 1 (id {entry.id}): content does not match its hash" in result.output


@pytest.mark.parametrize(
    "extra,errors",
    [
        (
            {"objection_days": "14"},
            {
                "objection_period_article": "Give the article that sets the period to object: without "
                "one, the contract sets no deadline and objections are accepted at any time."
            },
        ),
        ({"objection_days": "0", "objection_period_article": "9.9"}, {"objection_days": "Between 1 and 365 days."}),
        (
            {"objection_days": "veertien", "objection_period_article": "9.9"},
            {"objection_days": "Not a valid integer value. Between 1 and 365 days."},
        ),
        (
            {"notice_source": "contract", "notice_article": ""},
            {"notice_article": "Give the article that sets the notice period, or choose the processor's policy."},
        ),
        ({"notice_source": "made-up"}, {"notice_source": "Choose where the notice period comes from."}),
    ],
)
def test_terms_form_refuses_a_period_without_its_source_and_keeps_the_input(client, users, login, extra, errors):
    login(users.vcare_editor)
    response = client.post("/admin/processors/vcare/terms/new", data={**TERMS, **extra})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and field_errors(page) == errors and 'value="2027-01"' in page
    assert db.session.scalar(select(ContractTerms).filter_by(version="2027-01")) is None


def test_terms_form_records_a_stated_objection_period_and_the_consent_rule(client, users, login):
    login(users.vcare_editor)
    data = {
        **TERMS,
        "notice_source": "contract",
        "objection_days": "14",
        "objection_period_article": "4.2",
        "consent_reasonable": "y",
        "consent_reasonable_article": "5.1",
    }
    assert client.post("/admin/processors/vcare/terms/new", data=data).status_code == 302
    terms = db.session.scalar(select(ContractTerms).filter_by(version="2027-01"))
    assert (terms.notice_source, terms.objection_days, terms.objection_period_article) == ("contract", 14, "4.2")
    assert (terms.consent_reasonable, terms.consent_reasonable_article) == (True, "5.1")
