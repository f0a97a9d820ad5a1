"""Property-based: every form of the portal, posted as a browser would, with mostly valid values (real choices
from the seeded database, dates that keep the notice periods) and, in some examples, one or two fields attacked
with hostile text. Each value knows by construction what the portal must do with it (fuzz.py): the form refuses
control and direction characters and over-long values with a message on the field that keeps the text, and the
service never runs; a value the domain refuses changes nothing; every other example is taken. Never a 5xx.
Each example runs in a savepoint that is rolled back; the figures of each form go to test-artifacts/.

This module: the processor's registry (services, contract terms, customer contracts) and its announcements
(draft, publish, withdraw)."""

from __future__ import annotations

from datetime import date, timedelta

import feedparser
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.law.transfers import basis_names
from registry.models import (
    Announcement,
    AuditEntry,
    ContractTerms,
    CustomerContract,
    Engagement,
    Organisation,
    Service,
    SubProcessor,
    User,
)
from registry.models.processor import TRANSFER_RULES
from registry.subprocessors import editing as administration

from .fuzz import (
    EXAMPLES,
    INERT,
    OK,
    Field,
    Spy,
    Tally,
    choice,
    day,
    drive,
    example,
    fixed,
    form_data,
    free_text,
    isolated,
    several,
    text,
)
from .portal import announce, contract
from .seeded import BOGUS_IDS, DAY, EMAILS, backend, count, iso, other_ids, subsets, vcare

# The processor's registry -----------------------------------------------------------------------------------


def service_fields() -> dict[str, Field]:
    return {
        "name": text(200, required=True),
        "key": text(64, valid=st.sampled_from(["fuzz-svc", "fuzz-2"])),
        "description": text(4000, multi_line=True),
        "data_categories": text(8000, multi_line=True),
        "data_subjects": text(4000, multi_line=True),
        "purposes": text(8000, multi_line=True),
        "retention": text(2000, multi_line=True),
        "source": text(200),
    }


def test_the_service_form(fuzz_day, app, client, users, login, monkeypatch):
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(administration, "save_service")
    tally = Tally("ServiceForm", backend(app))
    processor_id, existing = vcare().id, vcare().services[0].id

    @EXAMPLES
    @given(values=example(service_fields()), edit=st.booleans())
    def run(values, edit):
        with isolated():
            url = (
                f"/admin/processors/vcare/services/{existing}/edit" if edit else "/admin/processors/vcare/services/new"
            )
            before, calls = count(Service, AuditEntry), spy.calls
            response = client.post(url, data=form_data(values))
            saved = db.session.scalar(select(Service).filter_by(processor_id=processor_id, key=values["key"].raw))
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Service, AuditEntry) == before,
                lambda: (
                    response.status_code == 302
                    and saved.name == values["name"].raw.strip()
                    and (saved.id == existing) == edit
                ),
            )

    run()
    tally.assert_real_share()


@st.composite
def terms_fields(draw) -> dict[str, Field]:
    authorisation, route = draw(
        st.sampled_from([("general", "objection"), ("general", "consent"), ("specific", "consent")])
    )
    source = draw(st.sampled_from(["policy", "contract"]))
    objection_days = route == "objection" and draw(st.booleans())
    termination = draw(st.booleans())
    article = text(40)
    needed = text(40, required=True)
    number = lambda values, bogus: choice(values, bogus, coerced=True)  # noqa: E731
    return {
        "version": text(60, required=True),
        "effective_from": day(st.sampled_from(["2027-01-01", "2026-12-01"])),
        "authorisation": choice([authorisation], ["", "bogus", "GENERAL"]),
        "authorisation_article": article,
        "authorisation_text": text(4000, multi_line=True),
        "notice_days": number(["1", "30", "45", "365"], ["0", "366", "-5", "abc", "1e3", ""]),
        # Nothing chosen is the processor's policy; anything else the domain refuses.
        "notice_source": choice([source], ["both", "CONTRACT"], checked_by_form=False),
        "notice_article": needed if source == "contract" else article,
        "notice_text": text(4000, multi_line=True),
        "objection_route": choice([route], ["", "veto"]),
        "objection_article": article,
        "objection_text": text(4000, multi_line=True),
        "objection_days": number(["1", "14", "365"], ["0", "366", "abc"]) if objection_days else fixed(""),
        "objection_period_article": needed if objection_days else article,
        "consent_reasonable": fixed(draw(st.sampled_from(["y", ""]))),
        "consent_reasonable_article": article,
        "termination_allowed": fixed("y" if termination else ""),
        "termination_months": number(["1", "12", "36"], ["0", "37", "-1", "abc"]) if termination else fixed(""),
        "termination_article": article,
        "termination_text": text(4000, multi_line=True),
        "transfer_rule": choice(list(TRANSFER_RULES), ["", "anything_goes"]),
        "transfer_article": article,
        "transfer_text": text(4000, multi_line=True),
        "named_transfer_bases": several(
            st.lists(st.sampled_from(list(basis_names())), unique=True), ["bogus", "", "SCC"]
        ),
        "list_article": article,
        "list_text": text(4000, multi_line=True),
    }


def test_the_terms_form(fuzz_day, app, client, users, login, monkeypatch):
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(administration, "save_terms")
    tally = Tally("TermsForm", backend(app))
    processor_id, existing = vcare().id, vcare().contract_terms[0].id

    @EXAMPLES
    @given(values=terms_fields().flatmap(example), edit=st.booleans())
    def run(values, edit):
        with isolated():
            url = f"/admin/processors/vcare/terms/{existing}/edit" if edit else "/admin/processors/vcare/terms/new"
            before, calls = count(ContractTerms, AuditEntry), spy.calls
            response = client.post(url, data=form_data(values))
            saved = db.session.scalar(
                select(ContractTerms).filter_by(processor_id=processor_id, version=values["version"].raw.strip())
            )
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(ContractTerms, AuditEntry) == before,
                lambda: response.status_code == 302 and saved is not None and (saved.id == existing) == edit,
            )

    run()
    tally.assert_real_share()


def contract_fields(organisation: str, terms: list[int], services: list[int], customers: list[int]):
    organisation_name = text(200, required=True) if organisation == "0" else fixed("")
    return {
        "organisation_id": choice([organisation], BOGUS_IDS[1:], coerced=True),
        "organisation_name": organisation_name,
        "reference": text(200, required=True),
        "start_date": day(st.sampled_from(["2026-01-01", "2027-02-28"])),
        "terms_id": choice([str(t) for t in terms], BOGUS_IDS + other_ids(ContractTerms), coerced=True),
        "service_ids": several(subsets(services), BOGUS_IDS + other_ids(Service)),
        "notice_email": text(254, required=True, valid=st.sampled_from(EMAILS)),
        "notice_language": choice(["nl", "en"], ["", "de", "NL"]),
    }


def test_the_contract_form(fuzz_day, app, client, users, login, monkeypatch):
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(administration, "save_contract")
    tally = Tally("ContractForm", backend(app))
    processor = vcare()
    existing = contract()
    own, edit_org, processor_id = existing.id, str(existing.organisation_id), processor.id
    customers = sorted(
        {c.organisation_id for c in db.session.scalars(select(CustomerContract).filter_by(processor_id=processor_id))}
    )
    terms, services = [t.id for t in processor.contract_terms], [s.id for s in processor.services]
    scenario = st.sampled_from(["new", "existing customer", "edit"]).flatmap(
        lambda kind: st.tuples(
            st.just(kind),
            example(
                contract_fields(
                    edit_org if kind == "edit" else "0" if kind == "new" else str(customers[0]),
                    terms,
                    services,
                    customers,
                )
            ),
        )
    )

    @EXAMPLES
    @given(scenario=scenario)
    def run(scenario):
        kind, values = scenario
        with isolated():
            url = (
                f"/admin/processors/vcare/contracts/{own}/edit"
                if kind == "edit"
                else "/admin/processors/vcare/contracts/new"
            )
            before, calls = count(CustomerContract, Organisation, AuditEntry), spy.calls
            response = client.post(url, data=form_data(values))
            saved = db.session.scalar(
                select(CustomerContract).filter_by(processor_id=processor_id, reference=values["reference"].raw.strip())
            )
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(CustomerContract, Organisation, AuditEntry) == before,
                lambda: response.status_code == 302 and saved is not None and (saved.id == own) == (kind == "edit"),
            )

    run()
    tally.assert_real_share()


# Announcements ----------------------------------------------------------------------------------------------


def engaged_on(processor_id: int, on: date) -> dict[int, list[int]]:
    """The processor's own sub-processors and the services each is engaged for on a day, with no end in view."""
    found: dict[int, list[int]] = {}
    for row in db.session.scalars(
        select(Engagement)
        .join(SubProcessor, SubProcessor.id == Engagement.sub_processor_id)
        .where(
            Engagement.processor_id == processor_id,
            SubProcessor.parent_id.is_(None),
            Engagement.cancelled.is_(False),
            Engagement.valid_from <= on,
            Engagement.valid_until.is_(None),
        )
    ):
        found.setdefault(row.sub_processor_id, []).append(row.service_id)
    return found


def announcement_fields(kind: str, target: int, services: st.SearchStrategy, bogus_services: list[str]):
    brings_in = kind in ("add", "replace")
    where = dict(checked_by_form=False, bogus_verdict=None if brings_in else OK)
    return {
        "kind": choice([kind], ["", "bogus", "ADD"]),
        "parent_id": choice(["0"], BOGUS_IDS[1:], coerced=True),
        "service_ids": several(services, bogus_services),
        "target_id": choice([str(target)], BOGUS_IDS[1:], coerced=True),
        "entity_id": choice(["0"], BOGUS_IDS[1:], coerced=True),
        "new_name": text(200, required=brings_in),
        "new_legal_name": text(200),
        "new_established_in": choice(["", "NL", "DE", "US", "WORLD"], ["XX", "ZZ", "nl?"]),
        "new_description": text(2000, multi_line=True),
        "new_dpa_in_place": choice(["", "yes", "no"], ["maybe", "YES"]),
        "purpose": text(2000, multi_line=True),
        "locations-0-country": choice(["NL", "DE", "FR", "BE"], ["XX", "ZZ", "N L"], **where),
        "locations-0-place": text(200),
        "locations-0-role": choice(["processing", "back-up"], ["admin", "PROCESSING"], **where),
        # Inside the EEA the domain sets no transfer basis, whatever was sent.
        "locations-0-transfer_basis": choice(
            ["", "scc"], ["bogus", "'; DROP TABLE location; --"], checked_by_form=False, bogus_verdict=OK
        ),
        "locations-1-country": fixed(""),
        "locations-1-place": fixed(""),
        "locations-1-role": fixed("processing"),
        "reason": text(4000, multi_line=True, required=True),
        "effective_date": day(st.integers(200, 400).map(iso)),
        "urgent": fixed(""),
        "urgency_justification": text(4000, multi_line=True),
    }


def announcement_examples(processor_id: int, services: list[int], engaged: dict[int, list[int]], bogus: list[str]):
    targets = sorted(engaged)
    plain = st.sampled_from(["add"]).map(lambda kind: (kind, 0, subsets(services)))
    leaving = st.sampled_from(["remove", "replace"]).flatmap(
        lambda kind: st.sampled_from(targets).map(lambda target: (kind, target, subsets(engaged[target])))
    )
    return st.one_of(plain, leaving).flatmap(
        lambda scenario: example(announcement_fields(scenario[0], scenario[1], scenario[2], bogus))
    )


def test_the_announcement_form(fuzz_day, app, client, users, login, monkeypatch):
    from registry.web.admin import announcements as views

    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(views, "save_draft")
    tally = Tally("AnnouncementForm", backend(app))
    processor = vcare()
    services = [s.id for s in processor.services]
    engaged = engaged_on(processor.id, DAY + timedelta(days=200))
    assert engaged, "the seed engages sub-processors of Vcare"
    draft = save_draft(
        users.vcare_editor,
        processor,
        None,
        {
            "kind": "add",
            "service_ids": services[:1],
            "new_name": "Draft Cloud",
            "reason": "To be edited",
            "effective_date": DAY + timedelta(days=200),
            "locations": [{"country": "NL", "place": "", "role": "processing", "transfer_basis": None}],
        },
    )
    draft_id = draft.id

    @EXAMPLES
    @given(
        values=announcement_examples(processor.id, services, engaged, BOGUS_IDS + other_ids(Service)),
        edit=st.booleans(),
    )
    def run(values, edit):
        with isolated():
            url = (
                f"/admin/processors/vcare/announcements/{draft_id}/edit"
                if edit
                else "/admin/processors/vcare/announcements/new"
            )
            before, calls = count(Announcement, AuditEntry), spy.calls
            response = client.post(url, data=form_data(values))
            saved = db.session.get(
                Announcement, draft_id if edit else db.session.scalar(select(func.max(Announcement.id)))
            )
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Announcement, AuditEntry) == before,
                lambda: (
                    response.status_code == 302
                    and saved.reason == values["reason"].raw.strip()
                    and (saved.id == draft_id) == edit
                    and saved.kind == values["kind"].raw
                ),
            )

    run()
    tally.assert_real_share()


@st.composite
def inert_draft(draw) -> dict:
    """What an editor may type into a draft, hostile but plain: it must publish, and feed, page and mail render."""
    return {
        "new_name": draw(free_text(200)).strip() or "x",
        "new_legal_name": draw(free_text(200)),
        "new_description": draw(free_text(2000, multi_line=True)),
        "purpose": draw(free_text(2000, True)),
        "reason": draw(free_text(4000, multi_line=True)).strip() or "x",
        "place": draw(free_text(200)).strip() or None,
        "days": draw(st.integers(40, 400)),
    }


def test_the_publish_form(fuzz_day, app, client, users, login, monkeypatch):
    """Only the CSRF token; what is fuzzed is the draft it publishes, and whatever else a browser sends."""
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(publication, "publish")
    tally = Tally("PublishForm", backend(app))
    editor_id, services = users.vcare_editor.id, [s.id for s in vcare().services]

    @EXAMPLES
    @given(
        draft=inert_draft(), extra=st.dictionaries(st.sampled_from(["x", "csrf"]), st.sampled_from(INERT), max_size=2)
    )
    def run(draft, extra):
        with isolated():
            made = save_draft(
                db.session.get(User, editor_id),
                vcare(),
                None,
                {
                    "kind": "add",
                    "service_ids": services[:2],
                    "new_name": draft["new_name"],
                    "new_legal_name": draft["new_legal_name"],
                    "new_description": draft["new_description"],
                    "purpose": draft["purpose"],
                    "reason": draft["reason"],
                    "effective_date": DAY + timedelta(days=draft["days"]),
                    "locations": [
                        {"country": "NL", "place": draft["place"], "role": "processing", "transfer_basis": None}
                    ],
                },
            )
            made_id, calls = made.id, spy.calls
            response = client.post(f"/admin/processors/vcare/announcements/{made_id}/publish", data=extra)

            def published() -> bool:
                feed = client.get("/processors/vcare/feed.atom")
                page = client.get(f"/processors/vcare/changes/{made.number}/")
                parsed = feedparser.parse(feed.get_data())
                db.session.expire_all()
                return (
                    response.status_code == 302
                    and db.session.get(Announcement, made_id).status == "published"
                    and feed.status_code == 200
                    and parsed.bozo == 0
                    and page.status_code == 200
                    and client.get("/api/v1/processors/vcare").status_code == 200
                )

            drive(response, {}, tally, spy.calls > calls, True, published)

    run()
    tally.assert_real_share()


def test_the_withdraw_form(fuzz_day, app, client, users, login, monkeypatch):
    item = announce(users.vcare_editor, days=60)
    item_id = item.id
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(publication, "withdraw")
    tally = Tally("WithdrawForm", backend(app))

    @EXAMPLES
    @given(values=example({"reason": text(4000, multi_line=True, required=True)}))
    def run(values):
        with isolated():
            calls = spy.calls
            response = client.post(f"/admin/processors/vcare/announcements/{item_id}/withdraw", data=form_data(values))
            saved = db.session.get(Announcement, item_id)
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                saved.status == "published",
                lambda: (
                    response.status_code == 302
                    and saved.status == "withdrawn"
                    and saved.withdrawal_reason == values["reason"].raw.strip()
                ),
            )

    run()
    tally.assert_real_share()
