"""The editor announces, previews, publishes and withdraws changes; the registry follows the dates.

On a fixed clock: drafted and published on Tuesday 1 December 2026 unless a test moves it; the form's default
effective date is 60 days later, Saturday 30 January 2027. Vcare's notice period is its 30-day policy: the
earliest effective date is 1 January 2027 (Reg. 1182/71 art. 3(1) by analogy).
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Announcement, AuditEntry, Engagement, RegistryVersion
from registry.subprocessors.snapshot import registry_on

from ..clock import on
from ..html import field_errors, table_rows, texts
from .announce import draft, form, publish, sp_id

pytestmark = pytest.mark.usefixtures("clock")
VC = "contract VC-2024-0117 (telefonie en Operator) of Huisartsenpraktijk X"


@pytest.fixture
def editor(client, users, login):
    login(users.vcare_editor)
    return client


def names_on(slug, service_key, day):
    return {e.sub_processor.name for e in registry_on(slug, day).service(service_key).engagements}


def versions(slug="vcare"):
    from registry.models import Processor

    return db.session.scalar(
        select(func.max(RegistryVersion.number))
        .join(Processor, Processor.id == RegistryVersion.processor_id)
        .where(Processor.slug == slug)
    )


def test_add_a_new_sub_processor_end_to_end(editor):
    item = draft(editor, new_name="Acme Cloud", purpose="Transcription", services=("operator", "reporter"))
    preview = editor.get(f"/admin/processors/vcare/announcements/{item.id}/").get_data(as_text=True)
    [row] = table_rows(preview, "Affected contracts if published today (December 1, 2026)")
    assert row[:4] == [
        VC,
        "Consent needed: the change moves data outside the EEA (art. 5.1, 5.3)",
        "30 days (the processor's policy, not in the contract)",
        "None: consent is needed first",
    ]
    assert row[4].startswith("January 1, 2027 Computed by analogy with Reg. (EEC, Euratom) No 1182/71 art. 3")
    assert versions() == 1
    item = publish(editor, item)
    assert item.status == "published" and item.version.number == 2 and versions() == 2
    effective = item.effective_date
    assert "Acme Cloud" not in names_on("vcare", "operator", effective - timedelta(days=1))
    assert "Acme Cloud" in names_on("vcare", "operator", effective)
    assert "Acme Cloud" in names_on("vcare", "reporter", effective)
    sp = next(
        e.sub_processor for e in registry_on("vcare", effective).engagements if e.sub_processor.name == "Acme Cloud"
    )
    assert sp.outside_eea_on(effective) is True and sp.locations[0].transfer_basis == "scc"
    page = editor.get(f"/processors/vcare/?at={effective.isoformat()}").get_data(as_text=True)
    assert "Acme Cloud" in page
    assert item.deadlines[0]["route"] == "consent" and item.deadlines[0]["article"] == "5.1, 5.3"
    assert db.session.scalar(select(AuditEntry).filter_by(action="announcement.publish", object_id=item.id))


def test_an_existing_entity_can_be_engaged_for_another_service(editor):
    item = draft(editor, entity_id=str(sp_id("vcare", "microsoft")), services=("scheduler",), locations=())
    publish(editor, item)
    assert "Microsoft" in names_on("vcare", "scheduler", item.effective_date)


def test_replace_and_remove(editor):
    replace = draft(
        editor,
        kind="replace",
        services=("sms-service",),
        target_id=str(sp_id("vcare", "cm")),
        new_name="MessageHub",
        locations=(("NL", "Amsterdam", ""),),
    )
    publish(editor, replace)
    remove = draft(editor, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    publish(editor, remove)
    day = replace.effective_date
    assert names_on("vcare", "sms-service", day) == {"Informaxion", "MessageHub"}
    assert names_on("vcare", "sms-service", day - timedelta(days=1)) == {"Informaxion", "CM"}
    assert names_on("vcare", "sendi", day) == {"Medi-Link"}
    # Nothing is deleted: the ended engagement keeps its dates.
    ended = db.session.scalar(select(Engagement).where(Engagement.ended_by_id == remove.id))
    assert ended.valid_until == remove.effective_date


def test_change_of_locations_moves_the_eea_flag(editor):
    services = (
        "systeem-logging",
        "support-tickets",
        "medialogging",
        "operator",
        "number-entry",
        "integrator",
        "call-back",
        "reporter",
        "scheduler",
        "video-connect",
        "photo-link",
        "back-up",
    )
    item = draft(
        editor,
        kind="change_locations",
        services=services,
        target_id=str(sp_id("vcare", "equinix")),
        locations=(("NL", "Amsterdam", ""), ("GB", "London", "adequacy")),
    )
    publish(editor, item)
    sp = next(
        e.sub_processor
        for e in registry_on("vcare", item.effective_date).engagements
        if e.sub_processor.key == "equinix"
    )
    assert sp.outside_eea_on(item.effective_date - timedelta(days=1)) is False
    assert sp.outside_eea_on(item.effective_date) is True
    assert {loc.country_code for loc in sp.locations_on(item.effective_date)} == {"NL", "GB"}


def _refused(editor, field, message, **kwargs):
    """The form comes back (400) with `message` under `field` and nowhere else, and nothing is stored."""
    before = db.session.scalar(select(func.count()).select_from(Announcement))
    response = editor.post("/admin/processors/vcare/announcements/new", data=form(**kwargs))
    text = response.get_data(as_text=True)
    assert response.status_code == 400, text
    assert field_errors(text) == {field: message}
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == before
    return text


def test_a_change_of_locations_must_name_every_service_of_the_sub_processor(editor):
    # Bijlage A names Equinix for twelve services; the change names only Operator.
    _refused(
        editor,
        "service_ids",
        "Equinix also serves Back-Up, Call Back (add-on voor de Operator), Integrator, "
        "Medialogging, Number Entry, Photo Link, Reporter, Scheduler (add-on voor de Operator), Support: ticket- "
        "en klachtenafhandeling (alle diensten), Systeem logging, Video Connect: a change of its locations "
        "concerns those services too; choose them as well.",
        kind="change_locations",
        services=("operator",),
        target_id=str(sp_id("vcare", "equinix")),
    )


def test_too_early_names_the_contract_its_article_and_the_earliest_date(editor):
    # Vcare art. 4.1 says only "voorafgaand": the 30 days are Vcare's own policy, not a term of the contract. They
    # run from 1 December 2026 to the end of 31 December, so 1 January 2027 is the earliest; 11 December is early.
    text = _refused(
        editor,
        "effective_date",
        f"Too early for {VC}: 30 days' notice (the processor's policy, not in "
        "the contract) means the change can take effect on January 1, 2027 at the earliest.",
        new_name="Acme",
        days=10,
    )
    assert 'value="Acme"' in text and 'value="2026-12-11"' in text  # the input is kept


def test_the_earliest_date_itself_is_accepted(editor):
    assert draft(editor, new_name="Acme", effective_date="2027-01-01").effective_date == date(2027, 1, 1)
    _refused(
        editor,
        "effective_date",
        f"Too early for {VC}: 30 days' notice (the processor's policy, not in the "
        "contract) means the change can take effect on January 1, 2027 at the earliest.",
        new_name="Acme2",
        effective_date="2026-12-31",
    )


OUTSIDE = "Location 1 ({}) is outside the EEA on January 30, 2027: {}."


@pytest.mark.parametrize(
    "kwargs,field,message",
    [
        ({"new_name": "Acme", "days": -1}, "effective_date", "The effective date November 30, 2026 is in the past."),
        ({"new_name": "Acme", "services": ()}, "service_ids", "Choose at least one service the change applies to."),
        ({"new_name": ""}, "new_name", "Choose an existing sub-processor or give the name of a new one."),
        ({"new_name": "Acme", "locations": ()}, "locations", "Give at least one processing location of Acme."),
        (
            {"new_name": "Acme", "locations": (("US", "", ""),)},
            "locations",
            OUTSIDE.format("United States", "no transfer basis stated"),
        ),
        (
            {"new_name": "Acme", "locations": (("IN", "", "adequacy"),)},
            "locations",
            OUTSIDE.format("India", "no adequacy decision covers India on January 30, 2027"),
        ),
        (
            {"new_name": "Acme", "locations": (("WORLD", "", "adequacy"),)},
            "locations",
            OUTSIDE.format("Worldwide", "an adequacy decision cannot cover locations worldwide"),
        ),
        (
            {"new_name": "Acme", "locations": (("US", "", "privacy_shield"),)},
            "locations",
            OUTSIDE.format(
                "United States",
                "EU-US Privacy Shield (Decision 2016/1250) is not a valid basis: Invalidated by "
                "the Court of Justice of the EU on 16 July 2020 (C-311/18, Schrems II)",
            ),
        ),
        ({"new_name": "Acme", "locations": (("XX", "", ""),)}, "locations", "Location 1: 'XX' is not a country code."),
        (
            {"new_name": "Acme", "locations": (("US", "", "handshake"),)},
            "locations",
            OUTSIDE.format("United States", "unknown transfer basis 'handshake'"),
        ),
        ({"new_name": "Acme", "reason": ""}, "reason", "Give the reason for the change."),
        ({"new_name": "Acme", "effective_date": "2027-02-30"}, "effective_date", "Not a valid date value."),
        (
            {"new_name": "Acme", "urgent": "y", "days": 3},
            "urgency_justification",
            "An urgent change needs a written justification of at least 20 characters.",
        ),
        (
            {"kind": "replace", "target_id": "0", "new_name": "Acme"},
            "target_id",
            "Choose the sub-processor the change is about.",
        ),
        ({"entity_id": "0", "new_name": "Acme", "kind": "teleport"}, "kind", "Not a valid choice."),
    ],
)
def test_bad_announcements_get_a_clear_message_and_change_nothing(editor, kwargs, field, message):
    _refused(editor, field, message, **kwargs)


def test_replacing_a_sub_processor_that_is_not_engaged(editor):
    _refused(
        editor,
        "target_id",
        "Talksome is not engaged for 'Operator' on January 30, 2027.",
        kind="replace",
        target_id=str(sp_id("vcare", "talksome")),
        new_name="Acme",
    )


def test_bringing_in_one_that_is_already_engaged(editor):
    _refused(
        editor,
        "entity_id",
        "Equinix is already engaged for Operator on January 30, 2027.",
        entity_id=str(sp_id("vcare", "equinix")),
        locations=(),
    )


def test_removing_one_twice(editor):
    first = draft(editor, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    publish(editor, first)
    # The first removal takes effect on 30 January 2027 (60 days); before it Micros is still engaged, after it not.
    _refused(
        editor,
        "target_id",
        "Micros is already announced to leave 'Sendi' on January 30, 2027.",
        kind="remove",
        services=("sendi",),
        target_id=str(sp_id("vcare", "micros")),
        locations=(),
        days=45,
    )
    _refused(
        editor,
        "target_id",
        "Micros is not engaged for 'Sendi' on March 1, 2027.",
        kind="remove",
        services=("sendi",),
        target_id=str(sp_id("vcare", "micros")),
        locations=(),
        days=90,
    )


def test_an_urgent_change_with_justification_may_have_short_notice_and_is_marked(editor):
    item = draft(
        editor,
        new_name="Rescue Hosting",
        days=2,
        urgent="y",
        urgency_justification="Our SMS provider went bankrupt yesterday; messages are not delivered.",
    )
    item = publish(editor, item)
    assert str(item.title).startswith("URGENT: ") and item.effective_date == date(2026, 12, 3)
    page = editor.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True)
    assert "urgent: shorter notice" in page and "went bankrupt" in page
    import feedparser

    feed = feedparser.parse(editor.get("/processors/vcare/feed.atom").data)
    assert [e.title for e in feed.entries] == [str(item.title)]


def test_publishing_twice_is_refused(editor):
    item = publish(editor, draft(editor, new_name="Acme"))
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/publish")
    assert response.status_code == 400
    assert (
        f"Announcement #{item.number} was published already (Version 2 (announcement #{item.number}, effective "
        "January 30, 2027))." in texts(response.get_data(as_text=True), "p")
    )
    assert versions() == 2


def test_a_published_announcement_cannot_be_edited(editor):
    item = publish(editor, draft(editor, new_name="Acme"))
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/edit", data=form(new_name="Other"))
    assert response.status_code == 400 and "can no longer be changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).new_name == "Acme"
    assert editor.get(f"/admin/processors/vcare/announcements/{item.id}/edit").status_code == 302


def test_a_draft_can_be_edited_and_is_not_public(editor):
    item = draft(editor, new_name="Acme")
    assert editor.get(f"/processors/vcare/changes/{item.number}/").status_code == 404
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/edit", data=form(new_name="Acme Two"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).new_name == "Acme Two"


def test_another_processors_editor_gets_404(client, users, login):
    login(users.vcare_editor)
    item = draft(client, new_name="Acme")
    client.post("/logout")
    login(users.vtm_editor)
    for url in [
        f"/admin/processors/vcare/announcements/{item.id}/",
        "/admin/processors/vcare/announcements/",
        f"/admin/processors/vtm/announcements/{item.id}/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/admin/processors/vtm/announcements/{item.id}/publish",
        f"/admin/processors/vtm/announcements/{item.id}/withdraw",
        f"/admin/processors/vcare/announcements/{item.id}/publish",
    ]:
        assert client.post(url, data={"reason": "x"}).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).status == "draft"


def test_withdrawal_before_the_effective_date(editor):
    item = publish(editor, draft(editor, new_name="Acme", services=("operator",)))
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": ""})
    assert response.status_code == 400 and "Give the reason for the withdrawal." in response.get_data(as_text=True)
    response = editor.post(
        f"/admin/processors/vcare/announcements/{item.id}/withdraw",
        data={"reason": "The supplier failed our <b>security</b> review."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(Announcement, item.id)
    assert item.status == "withdrawn" and item.withdrawal_version.number == 3
    assert "Acme" not in names_on("vcare", "operator", item.effective_date)
    page = editor.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True)
    [status] = texts(page, "p", "findings")
    # The reason is the editor's text, shown as text (the tag escaped, not rendered).
    assert status.startswith(
        "Withdrawn on December 1, 2026, 12:00 CET (registry version 3): The supplier failed our <b>security</b> review."
    )
    assert status.endswith("The change will not take effect.")
    again = editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "again"})
    assert again.status_code == 400 and "withdrawn already" in again.get_data(as_text=True)


def test_a_withdrawn_removal_reopens_the_engagement(editor):
    item = publish(
        editor, draft(editor, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    )
    editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "Changed our minds"})
    assert "Micros" in names_on("vcare", "sendi", item.effective_date + timedelta(days=10))


@pytest.mark.parametrize(
    "day,allowed", [(date(2027, 1, 29), True), (date(2027, 1, 30), False), (date(2027, 2, 1), False)]
)
def test_no_withdrawal_on_or_after_the_effective_date(editor, users, login, day, allowed):
    item = publish(editor, draft(editor, new_name="Acme"))  # effective Saturday 30 January 2027
    with on(day):
        login(users.vcare_editor)  # two months on, the first session has long expired
        response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "late"})
    db.session.expire_all()
    if allowed:
        assert response.headers["Location"] == f"/admin/processors/vcare/announcements/{item.id}/"
        assert db.session.get(Announcement, item.id).status == "withdrawn"
    else:
        assert response.status_code == 400
        assert (
            "The change took effect on January 30, 2027; it can no longer be withdrawn. Announce a new change instead."
        ) in texts(response.get_data(as_text=True), "p")
        assert db.session.get(Announcement, item.id).status == "published"


def test_publishing_rechecks_the_notice_period(editor, users, login):
    item = draft(editor, new_name="Acme", days=40)  # effective Sunday 10 January 2027, drafted 1 December
    with on(date(2026, 12, 21)):  # 30 days from 21 December end on 20 January: 21 January is the earliest
        login(users.vcare_editor)
        response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/publish")
    assert response.status_code == 400
    assert (
        f"Too early for {VC}: 30 days' notice (the processor's policy, not in the contract) means the change can "
        "take effect on January 21, 2027 at the earliest."
    ) in texts(response.get_data(as_text=True), "p")
    assert db.session.get(Announcement, item.id).status == "draft"


def test_versions_compare_in_html_and_json(editor):
    add = publish(editor, draft(editor, new_name="Acme", services=("operator",)))
    remove = publish(
        editor, draft(editor, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    )
    assert (add.version.number, remove.version.number) == (2, 3)
    data = editor.get("/processors/vcare/compare?from=1&to=3&format=json").get_json()
    assert data["added"] == [
        {
            "service": "Operator",
            "sub_processor": "Acme",
            "locations": ["United States (Virginia) [Standard contractual clauses (Decision (EU) 2021/914)]"],
        }
    ]
    assert [(r["service"], r["sub_processor"]) for r in data["removed"]] == [("Sendi", "Micros")]
    text = editor.get("/processors/vcare/compare?from=1&to=2").get_data(as_text=True)
    assert table_rows(text, "Added") == [
        ["Operator", "Acme", "United States (Virginia) [Standard contractual clauses (Decision (EU) 2021/914)]"]
    ]
    assert [h for h in texts(text, "h2") if h.startswith(("Added", "Removed", "Changed"))] == [
        "Added (1)",
        "Removed (0)",
        "Changed (0)",
    ]
    listed = table_rows(editor.get("/processors/vcare/versions/").get_data(as_text=True), "Every version")
    assert [(r[0], r[1], r[3]) for r in listed] == [
        ("3", "January 30, 2027", f"Announcement #{remove.number}"),
        ("2", "January 30, 2027", f"Announcement #{add.number}"),
        ("1", "November 1, 2026", "Initial list from the contract's annex"),
    ]  # seed/vcare.yaml listed_since


def test_compare_locations_changed(editor):
    services = ("sendi",)
    item = draft(
        editor,
        kind="change_locations",
        services=services,
        target_id=str(sp_id("vcare", "micros")),
        locations=(("DE", "Frankfurt", ""),),
    )
    publish(editor, item)
    data = editor.get("/processors/vcare/compare?from=1&to=2&format=json").get_json()
    assert data["changed"] == [
        {
            "service": "Sendi",
            "sub_processor": "Micros",
            "locations_before": ["Netherlands"],
            "locations_after": ["Germany (Frankfurt)"],
        }
    ]


@pytest.mark.parametrize("query,status", [("from=1&to=9", 404), ("from=a&to=2", 400), ("", 400), ("from=0&to=1", 400)])
def test_compare_bad_input(client, query, status):
    assert client.get(f"/processors/vcare/compare?{query}").status_code == status


def test_the_seed_gives_every_processor_version_1(app):
    assert db.session.scalar(select(func.count()).select_from(RegistryVersion)) == 5
