"""30 people press the same button at the same moment: exactly one state change, no 500, and the other 29 get the
answer a double submit gets (real HTTP requests to a threaded server, real commits, SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask_migrate import upgrade
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from registry import create_app
from registry.accounts import users as accounts
from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.audit import trail as audit
from registry.cases import objections
from registry.extensions import db
from registry.models import (
    Announcement,
    AuditEntry,
    ConsentDecision,
    CustomerContract,
    Engagement,
    Objection,
    OutboxMessage,
    Processor,
    RegistryVersion,
    Service,
    SubProcessor,
    Subscription,
    Termination,
    User,
)
from registry.subprocessors.seeding import load_seed

from ..conftest import PG_URL, PROJECT, postgres_schema_or_skip
from ..factories import vcare_customers
from ..smtp import free_port

PRESSES = 30
PASSWORD = "a long password"
EDITOR = "ed@vcare.example.org"
EDITORS = {"vcare": EDITOR, "beterdichtbij": "ed@beterdichtbij.example.org"}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday 23 November 2026, 10:00 in Amsterdam: every date below is worked out from it.
MORNING = datetime(2026, 11, 23, 10, tzinfo=AMSTERDAM)
DAY = date(2026, 11, 23)
EFFECTIVE = date(2027, 1, 7)  # 45 days later
GROUNDS = "We object: this supplier was never part of what we agreed to for our patients."
NL = [{"country": "NL", "place": "Amsterdam", "role": "processing", "transfer_basis": None}]
US = [{"country": "US", "place": "Virginia", "role": "processing", "transfer_basis": "scc"}]
# 32 customers of Vcare and four subscribers: a publication or withdrawal queues 32 + 4 messages.
CUSTOMERS = 32
SUBSCRIBERS = ("one@follower.example", "two@follower.example", "three@follower.example", "four@follower.example")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def portal(request, tmp_path_factory):
    """A migrated, seeded portal behind a real threaded HTTP server, on a database of its own. Each test makes its
    own announcement and uses its own customers, so that the tests share the (slow to build) world, not state."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('races') / 'races.db'}"
    else:
        postgres_schema_or_skip("stateraces")
        url = PG_URL + "?options=-csearch_path%3Dstateraces"
    port = free_port()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "BASE_URL": f"http://127.0.0.1:{port}",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "DEFAULT_LANGUAGE": "en",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 45},
        }
    )
    with time_machine.travel(MORNING):
        _world(app)
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Portal(app, f"http://127.0.0.1:{port}", request.param)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def morning():
    """Each test starts at 10:00 in Amsterdam on Monday 23 November 2026 (the clock runs on: threads wait)."""
    with time_machine.travel(MORNING):
        yield


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass  # 30 lines per race say nothing the assertions do not


def _world(app) -> None:
    """The seed, 32 customers of Vcare with a controller each, four confirmed subscribers, an editor of Vcare and
    one of BeterDichtbij."""
    with app.app_context(), app.test_request_context():
        upgrade()
        load_seed(PROJECT / "seed")
        vcare, _operator = vcare_customers(CUSTOMERS, date(2024, 1, 1), notice_language="en")
        for email in SUBSCRIBERS:
            db.session.add(
                Subscription(
                    processor_id=vcare.id,
                    email=email,
                    language="en",
                    all_services=True,
                    status="confirmed",
                    confirmed_at=datetime.now(AMSTERDAM),
                )
            )
        db.session.commit()
        for n in range(CUSTOMERS):
            accounts.create_user(f"c{n}@praktijk-{n}.example", "controller", f"praktijk-{n}", PASSWORD, actor="test")
        for slug, email in EDITORS.items():
            accounts.create_user(email, "editor", slug, PASSWORD, actor="test")
        db.session.remove()


@dataclass
class Answer:
    status: int
    text: str  # the page answered, or, after a redirect, the page it leads to (with the flash)
    location: str | None = None


class _Stay(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow blindly


class Browser:
    """One person's browser: its own cookies (session, flash), talking HTTP to the server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _Stay)

    def _open(self, path: str, data: dict | None = None) -> Answer:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as response:
                return Answer(response.status, response.read().decode())
        except HTTPError as answer:
            return Answer(answer.code, answer.read().decode(), answer.headers.get("Location"))

    def get(self, path: str) -> Answer:
        return self._open(path)

    def post(self, path: str, data: dict) -> Answer:
        return self._open(path, data)

    def press(self, path: str, data: dict) -> Answer:
        """Submit a form and read the page it leads to, as a browser shows it."""
        answer = self.post(path, data)
        if answer.status == 302:
            shown = self.get(answer.location.removeprefix(self.base))
            return Answer(302, shown.text, answer.location)
        return answer

    def login(self, email: str) -> Browser:
        assert self.post("/login", {"email": email, "password": PASSWORD}).status == 302
        return self


class Portal:
    def __init__(self, app, base: str, kind: str):
        self.app, self.base, self.kind = app, base, kind

    def browsers(self, email: str) -> list[Browser]:
        return [Browser(self.base).login(email) for _ in range(PRESSES)]

    def race(self, browsers: list[Browser], path: str, data: dict) -> list[Answer]:
        """Every browser submits the same form at the same moment."""
        return self.at_once([(browser, path, data) for browser in browsers])

    def at_once(self, forms: list[tuple[Browser, str, dict]]) -> list[Answer]:
        """Each browser submits its form at the same moment."""
        start = threading.Barrier(len(forms))
        answers: list = [None] * len(forms)

        def press(n: int) -> None:
            browser, path, data = forms[n]
            start.wait()
            try:
                answers[n] = browser.press(path, data)
            except Exception as exc:  # pragma: no cover - shown in the assertion
                answers[n] = Answer(0, repr(exc))

        threads = [threading.Thread(target=press, args=(n,)) for n in range(len(forms))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
        return answers

    def count(self, query) -> int:
        with self.app.app_context():
            try:
                return db.session.scalar(select(func.count()).select_from(query.subquery()))
            finally:
                db.session.remove()

    def setup(self, step):
        """Run `step()` through the services, as the portal's users did before the race."""
        with self.app.app_context(), self.app.test_request_context():
            try:
                return step()
            finally:
                db.session.remove()


def statuses(answers: list[Answer]) -> dict[int, int]:
    return dict(Counter(a.status for a in answers))


def report(kind: str, transition: str, answers: list[Answer]) -> None:
    print(f"\n{transition} on {kind}: {len(answers)} requests, statuses {sorted(statuses(answers).items())}")


def _user(email: str) -> User:
    return db.session.scalar(select(User).filter_by(email=email))


def controller(n: int) -> str:
    return f"c{n}@praktijk-{n}.example"


def _vcare() -> Processor:
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


def _contract_id(n: int) -> int:
    return db.session.scalar(select(CustomerContract.id).filter_by(reference=f"VC-{n:03d}"))


def _draft(name: str, locations=NL, slug: str = "vcare", service: str = "operator") -> tuple[int, int]:
    processor = db.session.scalar(select(Processor).filter_by(slug=slug))
    service_id = db.session.scalar(select(Service.id).filter_by(processor_id=processor.id, key=service))
    item = save_draft(
        _user(EDITORS[slug]),
        processor,
        None,
        {
            "kind": "add",
            "service_ids": [service_id],
            "new_name": name,
            "reason": "A second operator for peak hours",
            "effective_date": EFFECTIVE,
            "locations": locations,
        },
    )
    return item.id, item.number


def _published(name: str, locations=NL) -> tuple[int, int]:
    announcement_id, number = _draft(name, locations)
    publication.publish(_user(EDITOR), _vcare(), announcement_id)
    return announcement_id, number


def _object(announcement_id: int, n: int) -> Objection:
    """Customer n objects, through the service."""
    contract_id = _contract_id(n)
    operator = db.session.scalar(select(Service.id).filter_by(key="operator", processor_id=_vcare().id))
    return objections.submit(_user(controller(n)), announcement_id, contract_id, GROUNDS, [operator], DAY)


def _outbox(pattern: str):
    return select(OutboxMessage).where(OutboxMessage.dedupe_key.like(pattern))


def _audit(action: str, *object_ids: int):
    return select(AuditEntry).where(AuditEntry.action.like(action), AuditEntry.object_id.in_(object_ids))


def _chain_intact(portal: Portal) -> bool:
    with portal.app.app_context():
        try:
            return audit.verify_chain() == []
        finally:
            db.session.remove()


def _versions(portal: Portal, slug: str = "vcare") -> int:
    return portal.count(select(RegistryVersion).join(Processor).where(Processor.slug == slug))


# Vcare has 32 customers and 4 subscribers to tell; BeterDichtbij, in this portal, nobody.
@pytest.mark.parametrize(
    "slug, service, told",
    [("vcare", "operator", CUSTOMERS + len(SUBSCRIBERS)), ("beterdichtbij", "beterdichtbij-light", 0)],
)
def test_thirty_publications_of_one_draft_apply_it_once(portal, slug, service, told):
    announcement_id, number = portal.setup(lambda: _draft(f"Acme Publish {slug}", slug=slug, service=service))
    versions_before = _versions(portal, slug)
    answers = portal.race(
        portal.browsers(EDITORS[slug]), f"/admin/processors/{slug}/announcements/{announcement_id}/publish", {}
    )
    report(portal.kind, f"publish ({told} recipients)", answers)
    assert statuses(answers) == {302: 1, 400: PRESSES - 1}
    version = versions_before + 1
    [won] = [a for a in answers if a.status == 302]
    assert f"Published as registry version {version}." in won.text
    for lost in (a for a in answers if a.status == 400):
        # The editor's page, with the reason in its error summary and the withdraw form that now applies.
        assert (
            f"Announcement #{number} was published already (Version {version} (announcement #{number}, "
            f"effective January 7, 2027))." in lost.text
        )
        assert 'class="error-summary"' in lost.text and f"/announcements/{announcement_id}/withdraw" in lost.text
    assert _versions(portal, slug) == version
    assert portal.count(select(RegistryVersion).where(RegistryVersion.announcement_id == announcement_id)) == 1
    assert portal.count(select(SubProcessor).where(SubProcessor.name == f"Acme Publish {slug}")) == 1
    assert portal.count(select(Engagement).where(Engagement.announcement_id == announcement_id)) == 1
    assert portal.count(_audit("announcement.publish", announcement_id)) == 1
    assert portal.count(_outbox(f"announcement:{announcement_id}:publication:%")) == told
    assert _chain_intact(portal)


def test_thirty_withdrawals_of_one_announcement_withdraw_it_once(portal):
    announcement_id, number = portal.setup(lambda: _published("Acme Withdraw"))
    versions_before = _versions(portal)
    answers = portal.race(
        portal.browsers(EDITOR),
        f"/admin/processors/vcare/announcements/{announcement_id}/withdraw",
        {"reason": "The supplier failed our security review."},
    )
    report(portal.kind, "withdraw", answers)
    assert statuses(answers) == {302: 1, 400: PRESSES - 1}
    [won] = [a for a in answers if a.status == 302]
    assert f"Withdrawn; the withdrawal is registry version {versions_before + 1}." in won.text
    for lost in (a for a in answers if a.status == 400):
        assert f"Announcement #{number} was withdrawn already." in lost.text
        assert 'class="error-summary"' in lost.text and "The supplier failed our security review." in lost.text
    assert _versions(portal) == versions_before + 1
    assert (
        portal.count(
            select(RegistryVersion).where(
                RegistryVersion.announcement_id == announcement_id, RegistryVersion.event == "withdrawal"
            )
        )
        == 1
    )
    assert portal.count(_audit("announcement.withdraw", announcement_id)) == 1
    assert portal.count(_outbox(f"announcement:{announcement_id}:withdrawal:%")) == CUSTOMERS + len(SUBSCRIBERS)
    assert (
        portal.count(
            select(Engagement).where(Engagement.announcement_id == announcement_id, Engagement.cancelled.is_(True))
        )
        == 1
    )
    assert _chain_intact(portal)


def test_thirty_outcomes_of_one_objection_record_one(portal):
    def objected():
        announcement_id, _ = _published("Acme Outcome")
        made = _object(announcement_id, 0)
        return made.id, made.reference

    objection_id, ref = portal.setup(objected)
    answers = portal.race(
        portal.browsers(EDITOR),
        f"/admin/processors/vcare/objections/{objection_id}/outcome",
        {"outcome": "no_agreement", "note": "We keep Acme Cloud for every customer."},
    )
    report(portal.kind, "outcome", answers)
    assert statuses(answers) == {302: 1, 400: PRESSES - 1}
    [won] = [a for a in answers if a.status == 302]
    assert "Outcome recorded: No agreement. The controller was told." in won.text
    for lost in (a for a in answers if a.status == 400):
        # Recorded on 23 November 2026 at 09:00 UTC (10:00 in Amsterdam), by the one request that won; the page
        # shows the outcome instead of the form.
        assert f"The outcome of {ref} was recorded already: No agreement (2026-11-23 09:00 UTC)." in lost.text
        assert "Record outcome" not in lost.text and "Recorded:" in lost.text
    assert portal.count(select(Objection).where(Objection.id == objection_id, Objection.outcome == "no_agreement")) == 1
    assert portal.count(_audit("objection.outcome", objection_id)) == 1
    # The contract's notice address and the controller who objected.
    assert portal.count(_outbox(f"objection:{objection_id}:outcome:%")) == 2
    assert _chain_intact(portal)


def test_thirty_consent_decisions_on_one_announcement_record_one(portal):
    # Outside the EEA: Vcare art. 5.3 asks the controller's consent. Customer 1 decides.
    announcement_id, number = portal.setup(lambda: _published("Acme Consent", locations=US))
    contract_id = portal.setup(lambda: _contract_id(1))
    answers = portal.race(
        portal.browsers(controller(1)),
        f"/portal/contracts/{contract_id}/announcements/{announcement_id}/consent",
        {"announcement_id": str(announcement_id), "contract_id": str(contract_id), "decision": "granted", "note": ""},
    )
    report(portal.kind, "consent", answers)
    assert statuses(answers) == {302: PRESSES}
    ref = f"CON-VCARE-{number:03d}-{contract_id:05d}"
    won = [a for a in answers if f"Your decision was recorded: consent granted. Reference: {ref}." in a.text]
    lost = [
        a
        for a in answers
        if f"Your organisation decided on announcement #{number} already: consent granted ({ref})." in a.text
    ]
    assert (len(won), len(lost)) == (1, PRESSES - 1)
    [decision_id] = portal.setup(
        lambda: db.session.scalars(select(ConsentDecision.id).filter_by(announcement_id=announcement_id)).all()
    )
    assert {a.location for a in answers} == {f"/portal/consents/{decision_id}/"}
    assert portal.count(_audit("consent.%", decision_id)) == 1
    # The contract's notice address, the controller, and Vcare's editor.
    assert portal.count(_outbox(f"consent:{decision_id}:%")) == 3
    assert _chain_intact(portal)


def test_thirty_notices_of_termination_of_one_contract_record_one(portal):
    def ended_without_agreement():
        announcement_id, _ = _published("Acme Termination")
        made = _object(announcement_id, 2)
        objections.record_outcome(_user(EDITOR), _vcare(), made.id, "no_agreement", "We keep Acme Cloud.")
        return made.id

    objection_id = portal.setup(ended_without_agreement)
    contract_id = portal.setup(lambda: _contract_id(2))
    answers = portal.race(
        portal.browsers(controller(2)), f"/portal/objections/{objection_id}/termination", {"confirm": "y"}
    )
    report(portal.kind, "termination notice", answers)
    assert statuses(answers) == {302: PRESSES}
    ref = f"TRM-VCARE-{contract_id:05d}"
    # Vcare art. 4.1: one month's notice from 23 November 2026 ends on 23 December 2026.
    won = [
        a
        for a in answers
        if f"Your notice of termination was recorded ({ref}). The contract ends at the end of "
        f"December 23, 2026." in a.text
    ]
    lost = [a for a in answers if f"Notice was given already ({ref})." in a.text]
    assert (len(won), len(lost)) == (1, PRESSES - 1)
    [notice_id] = portal.setup(
        lambda: db.session.scalars(select(Termination.id).filter_by(contract_id=contract_id)).all()
    )
    assert portal.count(_audit("termination.notice", objection_id)) == 1
    assert portal.count(_outbox(f"termination:{notice_id}:%")) == 3
    assert _chain_intact(portal)


def test_a_withdrawal_while_controllers_object_and_write_accepts_no_objection_after_it(portal):
    """Customers 3-17 objected before and write in their consultation; 18-31 object now; the editor withdraws."""
    writing, objecting = range(3, 18), range(18, 32)

    def world():
        announcement_id, number = _published("Acme Mixed")
        return announcement_id, number, {n: _object(announcement_id, n).id for n in writing}

    announcement_id, number, objected = portal.setup(world)
    contract_ids = portal.setup(lambda: {n: _contract_id(n) for n in objecting})
    operator = portal.setup(
        lambda: db.session.scalar(select(Service.id).filter_by(key="operator", processor_id=_vcare().id))
    )
    forms = [
        (
            Browser(portal.base).login(EDITOR),
            f"/admin/processors/vcare/announcements/{announcement_id}/withdraw",
            {"reason": "The supplier failed our security review."},
        )
    ]
    for n in writing:
        forms.append(
            (
                Browser(portal.base).login(controller(n)),
                f"/portal/objections/{objected[n]}/messages",
                {"body": "Is there any news about Acme Cloud?"},
            )
        )
    for n in objecting:
        forms.append(
            (
                Browser(portal.base).login(controller(n)),
                f"/portal/contracts/{contract_ids[n]}/announcements/{announcement_id}/objection",
                {
                    "announcement_id": str(announcement_id),
                    "contract_id": str(contract_ids[n]),
                    "grounds": GROUNDS,
                    "service_ids": [str(operator)],
                },
            )
        )
    answers = portal.at_once(forms)
    report(portal.kind, "withdrawal among 15 messages and 14 objections", answers)
    assert 500 not in statuses(answers) and 0 not in statuses(answers)
    withdrawal, messages, objections_now = answers[0], answers[1:16], answers[16:]
    assert withdrawal.status == 302 and "Withdrawn; the withdrawal is registry version" in withdrawal.text
    assert [a.status for a in messages] == [302] * len(writing)
    refused = [a for a in objections_now if a.status == 400]
    accepted = [a for a in objections_now if a.status == 302]
    assert len(refused) + len(accepted) == len(objecting)
    for answer in refused:
        assert (
            f"Vcare withdrew announcement #{number} on November 23, 2026: the change will not happen, so there is "
            f"nothing to object to."
        ) in answer.text
    for answer in accepted:
        assert "Your objection was received. Reference: OBJ-VCARE-" in answer.text
    made = portal.setup(
        lambda: db.session.scalars(select(Objection.id).filter_by(announcement_id=announcement_id)).all()
    )
    assert len(made) == len(writing) + len(accepted)
    submitted = portal.setup(
        lambda: db.session.scalars(
            select(AuditEntry.id).where(AuditEntry.action == "objection.submit", AuditEntry.object_id.in_(made))
        ).all()
    )
    [withdrawn] = portal.setup(
        lambda: db.session.scalars(
            select(AuditEntry.id).where(
                AuditEntry.action == "announcement.withdraw", AuditEntry.object_id == announcement_id
            )
        ).all()
    )
    # Every objection the portal accepted was recorded before the withdrawal.
    assert len(submitted) == len(made) and max(submitted) < withdrawn
    assert portal.count(_audit("objection.message", *objected.values())) == len(writing)
    assert _chain_intact(portal)


def test_thirty_new_drafts_at_once_get_thirty_numbers(portal):
    """Each new draft takes the next number of its processor: 30 at once get 30 numbers, none refused."""
    operator = portal.setup(
        lambda: db.session.scalar(select(Service.id).filter_by(key="operator", processor_id=_vcare().id))
    )
    last = (
        portal.setup(
            lambda: db.session.scalar(
                select(func.max(Announcement.number)).join(Processor).where(Processor.slug == "vcare")
            )
        )
        or 0
    )
    form = {
        "kind": "add",
        "service_ids": [str(operator)],
        "target_id": "0",
        "entity_id": "0",
        "new_name": "Acme Draft",
        "new_legal_name": "",
        "new_established_in": "",
        "new_description": "",
        "new_dpa_in_place": "",
        "purpose": "",
        "reason": "A second operator for peak hours",
        "effective_date": EFFECTIVE.isoformat(),
        "locations-0-country": "NL",
        "locations-0-place": "Amsterdam",
        "locations-0-role": "processing",
        "locations-0-transfer_basis": "",
    }
    answers = portal.race(portal.browsers(EDITOR), "/admin/processors/vcare/announcements/new", form)
    report(portal.kind, "new draft", answers)
    assert statuses(answers) == {302: PRESSES}
    drafts = portal.setup(
        lambda: dict(
            db.session.execute(
                select(Announcement.number, Announcement.id).where(Announcement.new_name == "Acme Draft")
            ).all()
        )
    )
    assert sorted(drafts) == list(range(last + 1, last + 1 + PRESSES))
    for n in drafts:
        assert sum(f"Draft #{n} saved. Check the preview, then publish." in a.text for a in answers) == 1
    assert portal.count(_audit("announcement.draft", *drafts.values())) == PRESSES
    assert _chain_intact(portal)


def _draft_form(operator: int, reason: str) -> dict:
    return {
        "kind": "add",
        "service_ids": [str(operator)],
        "target_id": "0",
        "entity_id": "0",
        "new_name": "Acme Edited",
        "new_legal_name": "",
        "new_established_in": "",
        "new_description": "",
        "new_dpa_in_place": "",
        "purpose": "",
        "reason": reason,
        "effective_date": EFFECTIVE.isoformat(),
        "locations-0-country": "NL",
        "locations-0-place": "Amsterdam",
        "locations-0-role": "processing",
        "locations-0-transfer_basis": "",
    }


def test_edits_racing_the_publication_change_the_draft_or_are_refused_never_the_published_announcement(portal):
    announcement_id, number = portal.setup(lambda: _draft("Acme Edited"))
    operator = portal.setup(
        lambda: db.session.scalar(select(Service.id).filter_by(key="operator", processor_id=_vcare().id))
    )
    browsers = portal.browsers(EDITOR)
    forms = [(browsers[0], f"/admin/processors/vcare/announcements/{announcement_id}/publish", {})]
    forms += [
        (
            browsers[n],
            f"/admin/processors/vcare/announcements/{announcement_id}/edit",
            _draft_form(operator, f"Reason number {n} for a second operator"),
        )
        for n in range(1, PRESSES)
    ]
    answers = portal.at_once(forms)
    report(portal.kind, "publish among 29 edits", answers)
    assert answers[0].status == 302 and "Published as registry version" in answers[0].text
    edits = answers[1:]
    assert set(statuses(edits)) <= {302, 400}
    for answer in edits:
        if answer.status == 302:
            assert "Check the preview, then publish." in answer.text
        else:
            assert f"Announcement #{number} is published and can no longer be changed." in answer.text
    entries = portal.setup(
        lambda: db.session.execute(
            select(AuditEntry.id, AuditEntry.action, AuditEntry.details)
            .where(AuditEntry.object_type == "Announcement", AuditEntry.object_id == announcement_id)
            .order_by(AuditEntry.id)
        ).all()
    )
    [published] = [i for i, action, _ in entries if action == "announcement.publish"]
    updates = [(i, details) for i, action, details in entries if action == "announcement.update"]
    assert len(updates) == statuses(edits).get(302, 0)
    # Every accepted edit came before the publication, and what was published is the last of them.
    assert all(i < published for i, _ in updates)
    reason = portal.setup(lambda: db.session.get(Announcement, announcement_id).reason)
    assert reason == (updates[-1][1]["changes"]["reason"][1] if updates else "A second operator for peak hours")
    assert _chain_intact(portal)


def test_thirty_identical_new_services_at_once_make_one(portal):
    """A double (or thirtyfold) click on "save" for a new service: one service; the others hear that its key is
    taken, as a second submit after the first did."""
    form = {
        "name": "Call recording",
        "key": "call-recording",
        "description": "",
        "data_categories": "Voice",
        "data_subjects": "Callers",
        "purposes": "Quality",
        "retention": "",
        "source": "",
    }
    answers = portal.race(portal.browsers(EDITOR), "/admin/processors/vcare/services/new", form)
    report(portal.kind, "new service", answers)
    assert statuses(answers) == {302: 1, 400: PRESSES - 1}
    [won] = [a for a in answers if a.status == 302]
    assert "Service saved." in won.text
    taken = str(escape("Vcare has a service with key 'call-recording' already."))
    assert all(taken in a.text for a in answers if a.status == 400)
    [service_id] = portal.setup(
        lambda: db.session.scalars(select(Service.id).filter_by(key="call-recording", processor_id=_vcare().id)).all()
    )
    assert portal.count(_audit("service.create", service_id)) == 1
    positions = portal.setup(lambda: [s.position for s in _vcare().services])
    assert sorted(positions) == list(range(len(positions)))
    assert _chain_intact(portal)


def test_thirty_admins_adding_the_same_processor_at_once_make_one(portal):
    """Thirty presses of "add the processor", each with a slug of its own: the name is checked in turns, so one
    processor is made and the others hear that the name is taken, as a second submit after the first did."""
    admin = "root@races.example"
    portal.setup(lambda: accounts.create_user(admin, "admin", None, PASSWORD, actor="test"))
    base = {"name": "Race Zorg", "legal_name": "Race Zorg B.V.", "kvk_number": "87654321", "address": "Raceweg 1"}
    forms = [
        (browser, "/admin/processors/new", {**base, "slug": f"race-zorg-{n}"})
        for n, browser in enumerate(portal.browsers(admin))
    ]
    answers = portal.at_once(forms)
    report(portal.kind, "new processor", answers)
    assert statuses(answers) == {302: 1, 400: PRESSES - 1}
    taken = str(escape("A processor named 'Race Zorg' exists already."))
    assert all(taken in a.text for a in answers if a.status == 400)
    [processor_id] = portal.setup(lambda: db.session.scalars(select(Processor.id).filter_by(name="Race Zorg")).all())
    assert portal.count(_audit("processor.create", processor_id)) == 1
    assert portal.count(select(RegistryVersion).filter_by(processor_id=processor_id)) == 1
    assert _chain_intact(portal)


def test_thirty_confirmations_of_one_import_record_it_once(portal):
    """A new processor's first import, confirmed from 30 browsers at once (the same preview): one import."""
    from flask_login import login_user

    from registry.imports import registry_apply
    from registry.subprocessors import onboarding
    from registry.web.admin.uploads import carry

    from .imports import FIRST, dutch_excel_csv

    def preview() -> dict:
        admin = accounts.create_user("root@racer.example", "admin", None, PASSWORD, actor="test")
        onboarding.create_processor(
            admin, {"name": "Racer", "legal_name": "Racer B.V.", "kvk_number": "87654321", "address": "Utrecht"}
        )
        editor = accounts.create_user("ed@racer.example", "editor", "racer", PASSWORD, actor="test")
        processor = db.session.scalar(select(Processor).filter_by(slug="racer"))
        login_user(editor)
        data = dutch_excel_csv(FIRST)
        plan = registry_apply.plan_import(processor, "list.csv", data)
        return {"carried": carry("registry", processor, "list.csv", data), "fingerprint": plan.fingerprint}

    form = portal.setup(preview)
    answers = portal.race(portal.browsers("ed@racer.example"), "/admin/processors/racer/import/confirm", form)
    report(portal.kind, "import", answers)
    assert statuses(answers) == {302: 1, 400: PRESSES - 1}
    for lost in (a for a in answers if a.status == 400):
        assert "Nothing to import: the registry already matches the file." in lost.text
    racer = select(Processor.id).filter_by(slug="racer").scalar_subquery()
    assert portal.count(select(AuditEntry).filter_by(action="registry.import")) == 1
    assert portal.count(select(Engagement).where(Engagement.processor_id == racer)) == 3  # FIRST: 3 engagements
    assert portal.count(select(SubProcessor).where(SubProcessor.processor_id == racer)) == 3
    assert _chain_intact(portal)
