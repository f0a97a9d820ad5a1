"""Two contracts, two notice periods: a change must respect the longer one, and each contract is told its own.

No seed contract states a number of days, so every seeded notice period is Vcare's 30-day policy and a rule that
took the shortest period, or forgot a contract, would pass unseen. factories.contract_with_notice_days adds
VC-2026-0045 (Tandartspraktijk Noord) under terms whose art. 4.1 (test) sets 45 days, taking Operator;
VC-2024-0117 (Huisartsenpraktijk X) takes Operator and Telefonie under the seeded terms (30 days, policy).

Worked out by hand, Reg. 1182/71 art. 3(1) by analogy (the day of the event does not count), announced on
Tuesday 1 December 2026:
- 30 days end at the end of Thursday 31 December 2026: the change may take effect on 1 January 2027;
- 45 days end at the end of Friday 15 January 2027: the change may take effect on Saturday 16 January 2027
  (a notice period is counted back from the effective date and does not move off a weekend).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Announcement, CustomerContract, OutboxMessage

from .. import factories
from ..clock import TODAY, on
from ..html import field_error, table_rows, texts
from .announce import form, publish
from .portal import objection_url

pytestmark = pytest.mark.usefixtures("clock")

VC = "contract VC-2024-0117 (telefonie en Operator) of Huisartsenpraktijk X"
NOORD = "contract VC-2026-0045 of Tandartspraktijk Noord"
NOORD_ADDRESS = factories.NOTICE_45.notice_email
X_ADDRESS = "privacy@huisartsenpraktijk-x.example"


@pytest.fixture
def editor(client, users, login):
    factories.contract_with_notice_days(users.vcare_editor)
    login(users.vcare_editor)
    return client


def post_draft(editor, effective: str, services=("operator",), **extra):
    return editor.post(
        "/admin/processors/vcare/announcements/new",
        data=form(
            new_name="Acme Cloud",
            services=services,
            effective_date=effective,
            locations=(("NL", "Amsterdam", ""),),
            **extra,
        ),
    )


def drafted(editor, effective: str, services=("operator",)) -> Announcement:
    response = post_draft(editor, effective, services)
    assert response.status_code == 302, field_error(response.get_data(as_text=True), "effective_date")
    return db.session.scalar(select(Announcement).order_by(Announcement.id.desc()))


def announcements() -> int:
    return db.session.scalar(select(func.count()).select_from(Announcement))


def test_the_preview_gives_each_contract_its_period_and_the_longer_one_binds(editor):
    item = drafted(editor, "2027-01-20")
    page = editor.get(f"/admin/processors/vcare/announcements/{item.id}/").get_data(as_text=True)
    rows = table_rows(page, "Affected contracts if published today (December 1, 2026)")
    assert [(r[0], r[2], r[4].split(" Computed by analogy")[0]) for r in rows] == [
        (VC, "30 days (the processor's policy, not in the contract)", "January 1, 2027"),
        (NOORD, "45 days (art. 4.1 (test))", "January 16, 2027"),
    ]
    assert "The effective date must be January 16, 2027 or later." in texts(page, "p")


def test_a_service_only_the_30_day_contract_takes_is_bound_by_30_days(editor):
    # Telefonie is not in VC-2026-0045: its 45 days do not apply, and 1 January 2027 is early enough.
    item = drafted(editor, "2027-01-01", services=("telefonie",))
    page = editor.get(f"/admin/processors/vcare/announcements/{item.id}/").get_data(as_text=True)
    assert [r[0] for r in table_rows(page, "Affected contracts")] == [VC]
    assert "The effective date must be January 1, 2027 or later." in texts(page, "p")


@pytest.mark.parametrize(
    "effective,message",
    [
        (
            "2026-12-31",
            f"Too early for {VC}: 30 days' notice (the processor's policy, not in the contract) means the "
            "change can take effect on January 1, 2027 at the earliest.",
        ),
        # Early enough for VC-2024-0117's 30 days, too early for VC-2026-0045's 45.
        (
            "2027-01-01",
            f"Too early for {NOORD}: 45 days' notice (art. 4.1 (test)) means the change can take effect on "
            "January 16, 2027 at the earliest.",
        ),
        (
            "2027-01-15",
            f"Too early for {NOORD}: 45 days' notice (art. 4.1 (test)) means the change can take effect on "
            "January 16, 2027 at the earliest.",
        ),
    ],
)
def test_a_date_that_breaks_either_notice_period_is_refused_at_the_field(editor, effective, message):
    before = announcements()
    response = post_draft(editor, effective)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_error(page, "effective_date") == message
    assert f'value="{effective}"' in page and announcements() == before


def test_the_first_day_after_the_longer_period_is_accepted(editor):
    assert drafted(editor, "2027-01-16").effective_date == date(2027, 1, 16)


def test_publishing_a_day_later_rechecks_the_longer_period(editor, users, login):
    item = drafted(editor, "2027-01-16")
    # Published on Wednesday 2 December: 45 days end on Saturday 16 January, so 17 January is the earliest.
    with on(date(2026, 12, 2)):
        login(users.vcare_editor)  # a day later the session has ended (SESSION_IDLE_MINUTES)
        response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        f"Too early for {NOORD}: 45 days' notice (art. 4.1 (test)) means the change can take effect on "
        "January 17, 2027 at the earliest."
    ) in texts(page, "p")
    assert db.session.get(Announcement, item.id).status == "draft"


def test_the_published_deadlines_and_each_contracts_notice_mail_state_its_own_period(editor):
    item = publish(editor, drafted(editor, "2027-01-16"))
    assert item.published_at.date() == TODAY
    assert [
        (d["terms_version"], d["notice_days"], d["notice_source"], d["notice_end"], d["earliest_effective"])
        for d in item.deadlines
    ] == [
        ("Verwerkersovereenkomst Vcareconnect B.V.", 30, "policy", "2026-12-31", "2027-01-01"),
        (factories.NOTICE_45.version, 45, "contract", "2027-01-15", "2027-01-16"),
    ]
    public = editor.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True)
    assert (
        "45 days' notice (art. 4.1 (test)): the change could take effect on January 16, 2027 at the earliest."
    ) in public
    assert (
        "30 days' notice (the processor's policy, not in the contract): the change could take effect on "
        "January 1, 2027 at the earliest."
    ) in public
    mails = {
        m.recipient: m.body.text
        for m in db.session.scalars(
            select(OutboxMessage).filter_by(kind="contract_announcement", announcement_id=item.id)
        )
    }
    assert set(mails) == {X_ADDRESS, NOORD_ADDRESS}
    assert "Notice: 45 days (art. 4.1 (test)), the processor's duty, not a deadline for you." in mails[NOORD_ADDRESS]
    assert (
        "Notice: 30 days (the processor's policy, not in the contract), the processor's duty, not a deadline for you."
    ) in mails[X_ADDRESS]


def test_the_controller_under_45_days_reads_its_own_period_in_the_portal(client, editor, login):
    from registry.accounts import users as accounts

    item = publish(editor, drafted(editor, "2027-01-16"))
    editor.post("/logout")
    controller = accounts.create_user(
        "c@tandarts-noord.example", "controller", "tandartspraktijk-noord", factories.PASSWORD, actor="test"
    )
    login(controller)
    noord = db.session.scalar(select(CustomerContract).filter_by(reference=factories.NOTICE_45.reference))
    page = client.get(objection_url(item, noord)).get_data(as_text=True)
    assert (
        "Published on December 1, 2026; 45 days' notice (art. 4.1 (test)): the earliest effective date was "
        "January 16, 2027."
    ) in " ".join(texts(page, "dd"))
