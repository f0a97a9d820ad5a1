"""The editor announces, previews, publishes and withdraws changes; the registry follows the dates."""
from babel.dates import format_date
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Announcement, AuditEntry, Engagement, RegistryVersion
from registry.services.snapshot import registry_on, today

from .announce import draft, form, in_days, publish, sp_id


@pytest.fixture
def editor(client, users, login):
    login(users.vcare_editor)
    return client


def names_on(slug, service_key, day):
    return {e.sub_processor.name for e in registry_on(slug, day).service(service_key).engagements}


def versions(slug="vcare"):
    from registry.models import Processor
    return db.session.scalar(select(func.max(RegistryVersion.number)).join(
        Processor, Processor.id == RegistryVersion.processor_id).where(Processor.slug == slug))


def test_add_a_new_sub_processor_end_to_end(editor):
    item = draft(editor, new_name="Acme Cloud", purpose="Transcription", services=("operator", "reporter"))
    preview = editor.get(f"/admin/processors/vcare/announcements/{item.id}/").get_data(as_text=True)
    assert "VC-2024-0117" in preview and "Consent needed: the change moves data outside the EEA" in preview
    assert versions() == 1
    item = publish(editor, item)
    assert item.status == "published" and item.version.number == 2 and versions() == 2
    effective = item.effective_date
    assert "Acme Cloud" not in names_on("vcare", "operator", effective - timedelta(days=1))
    assert "Acme Cloud" in names_on("vcare", "operator", effective)
    assert "Acme Cloud" in names_on("vcare", "reporter", effective)
    sp = next(e.sub_processor for e in registry_on("vcare", effective).engagements if e.sub_processor.name == "Acme Cloud")
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
    replace = draft(editor, kind="replace", services=("sms-service",), target_id=str(sp_id("vcare", "cm")),
                    new_name="MessageHub", locations=(("NL", "Amsterdam", ""),))
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
    services = ("systeem-logging", "support-tickets", "medialogging", "operator", "number-entry", "integrator",
                "call-back", "reporter", "scheduler", "video-connect", "photo-link", "back-up")
    item = draft(editor, kind="change_locations", services=services, target_id=str(sp_id("vcare", "equinix")),
                 locations=(("NL", "Amsterdam", ""), ("GB", "London", "adequacy")))
    publish(editor, item)
    sp = next(e.sub_processor for e in registry_on("vcare", item.effective_date).engagements
              if e.sub_processor.key == "equinix")
    assert sp.outside_eea_on(item.effective_date - timedelta(days=1)) is False
    assert sp.outside_eea_on(item.effective_date) is True
    assert {loc.country_code for loc in sp.locations_on(item.effective_date)} == {"NL", "GB"}


def test_a_change_of_locations_must_name_every_service_of_the_sub_processor(editor):
    response = editor.post("/admin/processors/vcare/announcements/new", data=form(
        kind="change_locations", services=("operator",), target_id=str(sp_id("vcare", "equinix"))))
    assert response.status_code == 400
    assert "also serves" in response.get_data(as_text=True)


def _refused(editor, message, **kwargs):
    before = db.session.scalar(select(func.count()).select_from(Announcement))
    response = editor.post("/admin/processors/vcare/announcements/new", data=form(**kwargs))
    text = response.get_data(as_text=True)
    assert response.status_code == 400, text
    assert message in text, text
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == before
    return text


def test_too_early_names_the_contract_its_article_and_the_earliest_date(editor):
    text = _refused(editor, "Too early for contract VC-2024-0117", new_name="Acme", days=10)
    earliest = today() + timedelta(days=31)
    # Vcare art. 4.1 says only "voorafgaand": the 30 days are Vcare's own policy, not a term of the contract.
    assert "30 days&#39; notice (the processor&#39;s policy, not in the contract)" in text
    # The notice period is counted back from the effective date: the day after its 30th day, never moved.
    assert f"take effect on {format_date(earliest, 'long', locale='en')} at the earliest" in text
    assert 'value="Acme"' in text  # the input is kept


def test_the_earliest_date_itself_is_accepted(editor):
    from registry.models import Processor
    from registry.services import notice
    processor = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    earliest = notice.binding(notice.notices(processor, processor.services[6:7], today())).earliest_effective
    draft(editor, new_name="Acme", days=(earliest - today()).days)
    _refused(editor, "Too early", new_name="Acme2", days=(earliest - today()).days - 1)


@pytest.mark.parametrize("kwargs,message", [
    ({"new_name": "Acme", "days": -1}, "is in the past"),
    ({"new_name": "Acme", "services": ()}, "Choose at least one service"),
    ({"new_name": ""}, "Choose an existing sub-processor or give the name of a new one."),
    ({"new_name": "Acme", "locations": ()}, "Give at least one processing location of Acme."),
    ({"new_name": "Acme", "locations": (("US", "", ""),)}, "no transfer basis stated"),
    ({"new_name": "Acme", "locations": (("IN", "", "adequacy"),)}, "no adequacy decision covers India"),
    ({"new_name": "Acme", "locations": (("WORLD", "", "adequacy"),)}, "cannot cover locations worldwide"),
    ({"new_name": "Acme", "locations": (("US", "", "privacy_shield"),)}, "Privacy Shield (Decision 2016/1250) is not a valid basis"),
    ({"new_name": "Acme", "locations": (("XX", "", ""),)}, "&#39;XX&#39; is not a country code"),
    ({"new_name": "Acme", "locations": (("US", "", "handshake"),)}, "unknown transfer basis"),
    ({"new_name": "Acme", "reason": ""}, "Give the reason for the change."),
    ({"new_name": "Acme", "effective_date": "2027-02-30"}, "Not a valid date value."),
    ({"new_name": "Acme", "urgent": "y", "days": 3}, "needs a written justification"),
    ({"kind": "replace", "target_id": "0", "new_name": "Acme"}, "Choose the sub-processor the change is about."),
    ({"entity_id": "0", "new_name": "Acme", "kind": "teleport"}, "Not a valid choice"),
])
def test_bad_announcements_get_a_clear_message_and_change_nothing(editor, kwargs, message):
    _refused(editor, message, **kwargs)


def test_replacing_a_sub_processor_that_is_not_engaged(editor):
    _refused(editor, "Talksome is not engaged for &#39;Operator&#39;", kind="replace",
             target_id=str(sp_id("vcare", "talksome")), new_name="Acme")


def test_bringing_in_one_that_is_already_engaged(editor):
    _refused(editor, "Equinix is already engaged for Operator", entity_id=str(sp_id("vcare", "equinix")),
             locations=())


def test_removing_one_twice(editor):
    first = draft(editor, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    publish(editor, first)
    _refused(editor, "already announced to leave", kind="remove", services=("sendi",),
             target_id=str(sp_id("vcare", "micros")), locations=(), days=45)
    _refused(editor, "Micros is not engaged for &#39;Sendi&#39;", kind="remove", services=("sendi",),
             target_id=str(sp_id("vcare", "micros")), locations=(), days=90)


def test_an_urgent_change_with_justification_may_have_short_notice_and_is_marked(editor):
    item = draft(editor, new_name="Rescue Hosting", days=2, urgent="y",
                 urgency_justification="Our SMS provider went bankrupt yesterday; messages are not delivered.")
    item = publish(editor, item)
    assert item.title.startswith("URGENT: ")
    page = editor.get(f"/processors/vcare/changes/{item.id}/").get_data(as_text=True)
    assert "urgent: shorter notice" in page and "went bankrupt" in page
    feed = editor.get("/processors/vcare/feed.atom").get_data(as_text=True)
    assert "URGENT: " in feed


def test_publishing_twice_is_refused(editor):
    item = publish(editor, draft(editor, new_name="Acme"))
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/publish")
    assert response.status_code == 400 and "was published already" in response.get_data(as_text=True)
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
    assert editor.get(f"/processors/vcare/changes/{item.id}/").status_code == 404
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/edit", data=form(new_name="Acme Two"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).new_name == "Acme Two"


def test_another_processors_editor_gets_404(client, users, login):
    login(users.vcare_editor)
    item = draft(client, new_name="Acme")
    client.post("/logout")
    login(users.vtm_editor)
    for url in [f"/admin/processors/vcare/announcements/{item.id}/", f"/admin/processors/vcare/announcements/",
                f"/admin/processors/vtm/announcements/{item.id}/"]:
        assert client.get(url).status_code == 404, url
    for url in [f"/admin/processors/vtm/announcements/{item.id}/publish",
                f"/admin/processors/vtm/announcements/{item.id}/withdraw",
                f"/admin/processors/vcare/announcements/{item.id}/publish"]:
        assert client.post(url, data={"reason": "x"}).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).status == "draft"


def test_withdrawal_before_the_effective_date(editor):
    item = publish(editor, draft(editor, new_name="Acme", services=("operator",)))
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": ""})
    assert response.status_code == 400 and "Give the reason for the withdrawal." in response.get_data(as_text=True)
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw",
                           data={"reason": "The supplier failed our security review."})
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(Announcement, item.id)
    assert item.status == "withdrawn" and item.withdrawal_version.number == 3
    assert "Acme" not in names_on("vcare", "operator", item.effective_date)
    page = editor.get(f"/processors/vcare/changes/{item.id}/").get_data(as_text=True)
    assert "Withdrawn" in page and "failed our security review" in page
    again = editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "again"})
    assert again.status_code == 400 and "withdrawn already" in again.get_data(as_text=True)


def test_a_withdrawn_removal_reopens_the_engagement(editor):
    item = publish(editor, draft(editor, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")),
                                 locations=()))
    editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "Changed our minds"})
    assert "Micros" in names_on("vcare", "sendi", item.effective_date + timedelta(days=10))


def test_no_withdrawal_on_or_after_the_effective_date(editor, monkeypatch):
    item = publish(editor, draft(editor, new_name="Acme"))
    import registry.services.publication as publication
    monkeypatch.setattr(publication, "today", lambda: item.effective_date)
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "late"})
    assert response.status_code == 400 and "can no longer be withdrawn" in response.get_data(as_text=True)


def test_publishing_rechecks_the_notice_period(editor, monkeypatch):
    item = draft(editor, new_name="Acme", days=40)
    import registry.services.publication as publication
    monkeypatch.setattr(publication, "today", lambda: today() + timedelta(days=20))
    response = editor.post(f"/admin/processors/vcare/announcements/{item.id}/publish")
    assert response.status_code == 400 and "Too early" in response.get_data(as_text=True)
    assert db.session.get(Announcement, item.id).status == "draft"


def test_versions_compare_in_html_and_json(editor):
    add = publish(editor, draft(editor, new_name="Acme", services=("operator",)))
    remove = publish(editor, draft(editor, kind="remove", services=("sendi",),
                                   target_id=str(sp_id("vcare", "micros")), locations=()))
    assert (add.version.number, remove.version.number) == (2, 3)
    data = editor.get("/processors/vcare/compare?from=1&to=3&format=json").get_json()
    assert data["added"] == [{"service": "Operator", "sub_processor": "Acme", "locations": ["United States (Virginia) [Standard contractual clauses (Decision (EU) 2021/914)]"]}]
    assert [(r["service"], r["sub_processor"]) for r in data["removed"]] == [("Sendi", "Micros")]
    text = editor.get("/processors/vcare/compare?from=1&to=2").get_data(as_text=True)
    assert "Added (1)" in text and "Removed (0)" in text
    assert editor.get("/processors/vcare/versions/").status_code == 200


def test_compare_locations_changed(editor):
    services = ("sendi",)
    item = draft(editor, kind="change_locations", services=services, target_id=str(sp_id("vcare", "micros")),
                 locations=(("DE", "Frankfurt", ""),))
    publish(editor, item)
    data = editor.get("/processors/vcare/compare?from=1&to=2&format=json").get_json()
    assert data["changed"] == [{"service": "Sendi", "sub_processor": "Micros", "locations_before": ["Netherlands"],
                                "locations_after": ["Germany (Frankfurt)"]}]


@pytest.mark.parametrize("query,status", [("from=1&to=9", 404), ("from=a&to=2", 400), ("", 400), ("from=0&to=1", 400)])
def test_compare_bad_input(client, query, status):
    assert client.get(f"/processors/vcare/compare?{query}").status_code == status


def test_the_seed_gives_every_processor_version_1(app):
    assert db.session.scalar(select(func.count()).select_from(RegistryVersion)) == 5
