"""The rules the contracts and the law give, on a fixed clock, with every expected day worked out by hand.

Publication on Tuesday 1 December 2026 (Europe/Amsterdam) of a change effective 45 days later, Friday 15 January
2027. Vcare art. 4.1 says only that Vcare informs "voorafgaand": the 30 days' notice is Vcare's own policy and no
deadline for the controller, who may object at any time (DESIGN.md section 3).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.cases import objections, terminations
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import Announcement, ConsentDecision, Objection, OutboxMessage, SubProcessor

from ..clock import on
from ..html import rows_starting
from .announce import ids, sp_id
from .portal import GROUNDS, NL, announce, consent_url, contract, objection_form, objection_url, processor

pytestmark = pytest.mark.usefixtures("clock")  # 1 December 2026 unless a test moves the clock with on()
PUBLISHED = date(2026, 12, 1)
EFFECTIVE = date(2027, 1, 15)
NOTICE_ADDRESS = "privacy@huisartsenpraktijk-x.example"


@pytest.fixture
def announced(users):
    with on(PUBLISHED):
        item = announce(users.vcare_editor)
    assert item.effective_date == EFFECTIVE
    return item


def notice_mail(announcement) -> OutboxMessage:
    return db.session.scalar(
        select(OutboxMessage).filter_by(
            kind="contract_announcement", recipient=NOTICE_ADDRESS, announcement_id=announcement.id
        )
    )


def test_the_notice_period_is_the_processors_policy_and_sets_no_deadline_to_object(client, announced):
    [row] = announced.deadlines
    # 30 days from 1 December (the day itself not counted) end on 31 December; the change may take effect on
    # 1 January 2027 at the earliest. Counted back from the effective date, so no roll-forward.
    assert (row["notice_source"], row["notice_end"], row["earliest_effective"]) == (
        "policy",
        "2026-12-31",
        "2027-01-01",
    )
    assert row["last_day"] is None and row["objection_days"] is None
    page = client.get(f"/processors/vcare/changes/{announced.number}/").get_data(as_text=True)
    assert (
        "None: the contract sets no deadline for objections. An objection is accepted at any time; one made "
        "from January 15, 2027 on is recorded as made after the change took effect."
    ) in page
    assert "30 days' notice (the processor's policy, not in the contract)" in page
    assert "the change could take effect on January 1, 2027 at the earliest." in page
    assert "Computed by analogy with Reg. (EEC, Euratom) No 1182/71 art. 3" in page
    mail = notice_mail(announced).body.text
    assert "Your contract sets no deadline for objections: you may object at any time." in mail
    assert "January 15, 2027" in mail and "Your deadline" not in mail


def test_an_objection_after_the_notice_period_but_before_the_effective_date_is_accepted(
    client, users, login, announced
):
    vc = contract()
    with on(date(2027, 1, 5)):  # after the notice period (31 December), before 15 January
        login(users.controller_a)
        page = client.get(objection_url(announced, vc)).get_data(as_text=True)
        assert "Your contract sets no deadline for objections (art. 4.1): you may object at any time." in page
        response = client.post(objection_url(announced, vc), data=objection_form(announced, vc))
    assert response.status_code == 302
    made = db.session.scalar(select(Objection))
    assert made.deadline is None and made.after_effective is False


@pytest.mark.parametrize("day,late", [(date(2027, 1, 14), False), (date(2027, 1, 15), True), (date(2027, 3, 1), True)])
def test_an_objection_on_or_after_the_effective_date_is_accepted_and_marked(client, users, login, announced, day, late):
    vc = contract()
    with on(day):
        login(users.controller_a)
        dashboard = client.get("/portal/").get_data(as_text=True)
        if late:
            assert (
                "You may still object: your contract sets no deadline. The change took effect on January 15, "
                "2027; an objection now is recorded as made after it took effect."
            ) in dashboard
        response = client.post(objection_url(announced, vc), data=objection_form(announced, vc))
        assert response.status_code == 302
        receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    made = db.session.scalar(select(Objection))
    assert made.after_effective is late and made.deadline is None
    assert ("(this objection was made after the change took effect)" in receipt) is late
    copy = db.session.scalar(select(OutboxMessage).filter_by(kind="objection", recipient=NOTICE_ADDRESS))
    assert "Deadline to object: none; the contract sets no period for objections (art. 4.1)" in copy.body.text
    assert ("this objection was made after it took effect" in copy.body.text) is late


def _objection_period(days: int, article: str = "4.1 (test)") -> None:
    terms = contract().terms
    terms.objection_days, terms.objection_period_article = days, article
    db.session.commit()


def test_a_contract_that_states_an_objection_period_enforces_it(client, users, login):
    _objection_period(14)
    with on(PUBLISHED):
        item = announce(users.vcare_editor)
    # 14 days from Tuesday 1 December 2026 end at the end of Tuesday 15 December 2026 (a working day).
    assert item.deadlines[0]["last_day"] == "2026-12-15" and item.deadlines[0]["objection_days"] == 14
    vc = contract()
    with on(date(2026, 12, 16)):
        login(users.controller_a)
        response = client.post(objection_url(item, vc), data=objection_form(item, vc))
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "December 15, 2026" in text and "art. 4.1 (test)" in text
    assert db.session.scalar(select(Objection)) is None
    with on(date(2026, 12, 15), 23):
        login(users.controller_a)
        assert client.post(objection_url(item, vc), data=objection_form(item, vc)).status_code == 302
    assert db.session.scalar(select(Objection)).deadline == date(2026, 12, 15)


def test_a_stated_objection_period_ending_on_new_years_day_rolls_to_the_next_working_day(users):
    _objection_period(31)
    with on(PUBLISHED):
        item = announce(users.vcare_editor)
    # 31 days from 1 December end on Friday 1 January 2027, New Year's Day (Atw art. 3(1)); Saturday and Sunday
    # follow, so the deadline runs to the end of Monday 4 January 2027.
    assert (item.deadlines[0]["last_day"], item.deadlines[0]["rolled_from"]) == ("2027-01-04", "2027-01-01")


def _urgent(editor, slug, service, locations, days=2):
    data = {
        "kind": "add",
        "service_ids": ids(slug, service),
        "new_name": "Urgent Cloud",
        "reason": "Outage",
        "effective_date": PUBLISHED + timedelta(days=days),
        "locations": locations,
        "urgent": True,
        "urgency_justification": "The current supplier stopped its service without warning.",
    }
    item = save_draft(editor, processor(slug), None, data)
    publication.publish(editor, processor(slug), item.id)
    return db.session.get(Announcement, item.id)


def test_urgency_shortens_the_notice_but_never_skips_consent_under_specific_authorisation(client, users, login):
    from registry.accounts import users as accounts

    editor = accounts.create_user("ed@bd.example.org", "editor", "beterdichtbij", "correct horse battery", actor="t")
    with on(PUBLISHED):
        item = _urgent(editor, "beterdichtbij", "beterdichtbij-light", NL)
    bd = contract("Overeenkomst deelname BeterDichtbij")
    with on(date(2026, 12, 10)):  # a week after the urgent change took effect (3 December)
        login(users.controller_a)
        view = client.get(f"/portal/contracts/{bd.id}/").get_data(as_text=True)
        [row] = rows_starting(view, "Urgent Cloud")
        assert row[3].startswith(
            f"Pending your consent (announcement #{item.number}): not to be used for your services until you grant"
        )
        public = client.get("/processors/beterdichtbij/").get_data(as_text=True)
        assert "Urgent Cloud" in public
        assert (
            "Subject to consent: not authorised for a controller's services until that controller grants it (art. 7.1)."
        ) in public
        form = client.get(consent_url(item, bd)).get_data(as_text=True)
        assert "There is no deadline: the change does not apply to your services until you grant consent." in form
        # BeterDichtbij's contract does not say consent may not be unreasonably withheld: no reasons needed.
        assert "Your contract does not require reasons for a refusal" in form
        base = {"announcement_id": str(item.id), "contract_id": str(bd.id)}
        assert client.post(consent_url(item, bd), data=dict(base, decision="refused", note="")).status_code == 302
    assert db.session.scalar(select(ConsentDecision)).decision == "refused"


def test_urgency_never_skips_consent_for_a_transfer_that_the_contract_allows_only_with_consent(client, users, login):
    us = [{"country": "US", "place": "Virginia", "role": "processing", "transfer_basis": "scc"}]
    with on(PUBLISHED):
        item = _urgent(users.vcare_editor, "vcare", "operator", us)
    assert item.deadlines[0]["route"] == "consent" and item.deadlines[0]["article"] == "5.1, 5.3"
    with on(date(2026, 12, 10)):
        login(users.controller_a)
        view = client.get(f"/portal/contracts/{contract().id}/").get_data(as_text=True)
        [row] = rows_starting(view, "Urgent Cloud")
        assert row[3].startswith(
            f"Pending your consent (announcement #{item.number}): not to be used for your services until you grant"
        )
        assert "Subject to consent" in client.get("/processors/vcare/").get_data(as_text=True)


US_LOCATION = {"country": "US", "place": "Virginia", "role": "processing"}


def _vtm_add(editor, basis):
    data = {
        "kind": "add",
        "service_ids": ids("vtm", "it-telecom"),
        "new_name": "Far Cloud",
        "reason": "Capacity",
        "effective_date": PUBLISHED + timedelta(days=45),
        "locations": [dict(US_LOCATION, transfer_basis=basis)],
    }
    return save_draft(editor, processor("vtm"), None, data)


@pytest.mark.parametrize(
    "basis,name",
    [
        ("bcr", "Binding corporate rules (GDPR art. 47)"),
        ("derogation", "Derogation for a specific situation (GDPR art. 49)"),
    ],
)
def test_vtm_allows_only_adequacy_or_standard_contractual_clauses(users, basis, name):
    with on(PUBLISHED), pytest.raises(DomainError) as refused:
        _vtm_add(users.vtm_editor, basis)
    message = str(refused.value)
    assert (
        "the contract allows transfers outside the EEA only under Adequacy decision (GDPR art. 45) or Standard "
        "contractual clauses (Decision (EU) 2021/914) (art. 10.1)"
        in message
        and name in message
    )


def test_vtm_accepts_standard_contractual_clauses(users):
    with on(PUBLISHED):
        assert _vtm_add(users.vtm_editor, "scc").locations[0]["transfer_basis"] == "scc"


def test_consent_is_not_accepted_as_a_transfer_basis(users):
    with on(PUBLISHED), pytest.raises(DomainError) as refused:
        _vtm_add(users.vtm_editor, "consent")
    assert "the controller's consent is not a transfer tool of GDPR chapter V" in str(refused.value)


def _move_microsoft_to_the_us(editor):
    data = {
        "kind": "change_locations",
        "service_ids": ids("vtm", "it-telecom"),
        "target_id": sp_id("vtm", "microsoft"),
        "reason": "Region move",
        "effective_date": PUBLISHED + timedelta(days=45),
        "locations": [dict(US_LOCATION, transfer_basis="adequacy")],
    }
    return save_draft(editor, processor("vtm"), None, data)


def test_adequacy_for_a_us_location_needs_the_sub_processors_dpf_certification(users):
    with on(PUBLISHED), pytest.raises(DomainError) as refused:
        _move_microsoft_to_the_us(users.vtm_editor)
    assert "covers only organisations certified under the EU-US Data Privacy Framework" in str(refused.value)
    microsoft = db.session.get(SubProcessor, sp_id("vtm", "microsoft"))
    microsoft.dpf_certified, microsoft.dpf_checked_on = True, date(2026, 11, 30)
    microsoft.dpf_source = "Data Privacy Framework List (test)"
    db.session.commit()
    with on(PUBLISHED):
        assert _move_microsoft_to_the_us(users.vtm_editor).locations[0]["transfer_basis"] == "adequacy"


def test_a_new_sub_processor_in_the_us_cannot_rest_on_adequacy_without_a_recorded_certification(users):
    with on(PUBLISHED), pytest.raises(DomainError) as refused:
        _vtm_add(users.vtm_editor, "adequacy")
    assert "no certification is recorded for this sub-processor" in str(refused.value)


def test_a_terminated_contract_gets_no_new_requests(client, users, login, announced):
    vc = contract()
    with on(PUBLISHED):
        made = objections.submit(users.controller_a, announced.id, vc.id, GROUNDS, ids("vcare", "operator"), PUBLISHED)
        objections.record_outcome(users.vcare_editor, processor("vcare"), made.id, "no_agreement", "No way out.")
        notice = terminations.give_notice(users.controller_a, made.id, PUBLISHED, True)
    # Vcare art. 4.1: one month's notice from 1 December 2026 ends at the end of 1 January 2027 (Reg. 1182/71
    # art. 3(2)(c) by analogy). New Year's Day, but the day a contract ends does not move.
    assert notice.end_date == date(2027, 1, 1)
    with on(PUBLISHED):
        later = announce(users.vcare_editor, name="After The End", days=46)  # effective 16 January 2027
        within = announce(users.vcare_editor, name="Before The End", days=31)  # effective 1 January 2027
    with on(date(2026, 12, 3)):
        login(users.controller_a)
        dashboard = client.get("/portal/").get_data(as_text=True)
        assert (
            "Your contract ends on January 1, 2027 (TRM-VCARE-" in dashboard
            and "before this change takes effect: nothing to decide." in dashboard
        )
        response = client.post(objection_url(later, vc), data=objection_form(later, vc))
        assert response.status_code == 400 and "it does not concern your contract" in response.get_data(as_text=True)
        # A change that takes effect on the contract's last day still concerns it.
        assert client.post(objection_url(within, vc), data=objection_form(within, vc)).status_code == 302
        page = client.get(f"/portal/objections/{made.id}/").get_data(as_text=True)
        view = client.get(f"/portal/contracts/{vc.id}/").get_data(as_text=True)
    assert "Terminated: ends on January 1, 2027 (TRM-VCARE-" in view
    assert "it does not concern your contract, and there is nothing to decide" in notice_mail(later).body.text
    assert "does not concern your contract" not in notice_mail(within).body.text
    assert "This is the day the contract ends, not a deadline to act: it does not move to a working day." in page


def test_the_json_says_where_the_notice_period_comes_from_and_that_no_objection_period_is_set(client):
    vcare = client.get("/api/v1/processors/vcare").get_json()["contract_terms"]
    assert vcare["notice_period_days"]["value"] == 30 and vcare["notice_period_days"]["source"] == "policy"
    assert vcare["objection_period_days"]["value"] is None
    assert vcare["consent_not_unreasonably_withheld"]["value"] is False
    contict = client.get("/api/v1/processors/contict").get_json()["contract_terms"]
    assert contict["consent_not_unreasonably_withheld"] == {"value": True, "article": "5.1", "text": None}


def test_the_dashboard_lists_the_notice_period_as_the_processors_policy(client, users, login):
    with on(PUBLISHED):
        login(users.controller_a)
        page = client.get("/portal/").get_data(as_text=True)
    assert "30 days' notice (the processor's policy, not in the contract)" in page
    assert "30 days' notice (art. 4.1, 15.6)" not in page
