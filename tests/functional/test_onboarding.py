"""The site admin onboards a processor (/admin/processors/new) and manages its accounts
(/admin/processors/<slug>/users/): who may, what a new processor's pages show, and what is on record."""

import pytest
from sqlalchemy import select

from registry.accounts import users as accounts
from registry.extensions import db
from registry.models import AuditEntry, Processor, RegistryVersion, User

from ..clock import TODAY
from ..factories import PASSWORD
from ..html import field_errors, parse, table_rows

pytestmark = pytest.mark.usefixtures("clock")

NEW = {
    "name": "Zorg & Co Müller",
    "legal_name": "Zorg & Co Müller B.V.",
    "kvk_number": "12.34.56.78",
    "address": "Voorbeeldstraat 1\n1234 AB Utrecht",
    "slug": "",
}
ACTORS = ["anonymous", "controller_a", "vcare_editor", "vtm_editor", "admin"]


def _stored(user_id: int) -> User:
    """The account as the database holds it now (the requests wrote it in sessions of their own)."""
    db.session.expire_all()
    return db.session.get(User, user_id)


def _as(client, users, login, actor):
    if actor != "anonymous":
        login(getattr(users, actor))


@pytest.mark.parametrize(
    "actor,new_get,new_post,users_get,disable",
    [
        ("anonymous", 302, 302, 302, 302),
        ("controller_a", 403, 403, 403, 403),
        ("vtm_editor", 403, 403, 404, 404),
        ("vcare_editor", 403, 403, 200, 404),  # its own account: an editor removes others, not itself
        ("admin", 200, 400, 200, 302),
    ],
)
def test_who_may_onboard_and_manage_accounts(client, users, login, actor, new_get, new_post, users_get, disable):
    _as(client, users, login, actor)
    editor = users.vcare_editor.id
    answers = [
        client.get("/admin/processors/new"),
        client.post("/admin/processors/new", data={}),
        client.get("/admin/processors/vcare/users/"),
        client.post(f"/admin/processors/vcare/users/{editor}/disable"),
        client.post(f"/admin/processors/vcare/users/{editor}/enable"),
    ]
    assert [a.status_code for a in answers] == [new_get, new_post, users_get, disable, disable]
    if actor == "anonymous":
        assert all("/login" in a.headers["Location"] for a in answers)
    if actor != "admin":
        assert _stored(editor).active


def test_the_admin_home_lists_every_processor_and_the_way_to_add_one(client, users, login):
    login(users.admin)
    page = client.get("/admin/").get_data(as_text=True)
    links = {a.get("href") for a in parse(page).iter("a")}
    assert "/admin/processors/new" in links
    for slug in ["vcare", "vtm", "ipvoice", "contict", "beterdichtbij"]:
        assert {f"/admin/processors/{slug}/", f"/admin/processors/{slug}/users/"} <= links


def test_a_new_processor_starts_with_an_empty_registry_that_every_page_shows(client, users, login):
    login(users.admin)
    response = client.post("/admin/processors/new", data=NEW)
    # The slug is made from the name, with the accented letter spelt out.
    assert response.status_code == 302 and response.headers["Location"] == "/admin/processors/zorg-co-muller/"
    processor = db.session.scalar(select(Processor).filter_by(slug="zorg-co-muller"))
    assert (processor.name, processor.legal_name, processor.kvk_number) == (NEW["name"], NEW["legal_name"], "12345678")
    assert processor.address == "Voorbeeldstraat 1 1234 AB Utrecht"
    assert processor.listed_since == TODAY
    versions = db.session.scalars(select(RegistryVersion).filter_by(processor_id=processor.id)).all()
    assert [(v.number, v.effective_date, v.event) for v in versions] == [(1, TODAY, "initial")]
    entry = db.session.scalar(select(AuditEntry).filter_by(action="processor.create", object_id=processor.id))
    assert entry.actor_id == users.admin.id and entry.processor_id == processor.id
    base = "/processors/zorg-co-muller"
    admin = "/admin/processors/zorg-co-muller/"
    # Every page of its side works while it has no services, terms, contracts or sub-processors yet.
    pages = ["", "users/", "audit", "services/new", "terms/new", "contracts/new", "announcements/"]
    for page in [*pages, "announcements/new", "objections/", "objections.csv"]:
        assert client.get(admin + page).status_code == 200, page
    client.post("/logout")
    for url in [base + "/", base + "/changes/", base + "/versions/", base + "/feed.atom", base + "/feed.rss"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert NEW["name"] in response.get_data(as_text=True).replace("&amp;", "&"), url
    api = client.get("/api/v1/processors/zorg-co-muller")
    assert api.status_code == 200
    assert (api.get_json()["name"], api.get_json()["kvk_number"], api.get_json()["services"]) == (
        NEW["name"],
        "12345678",
        [],
    )
    csv_lines = client.get(base + "/registry.csv").get_data(as_text=True).splitlines()
    assert len(csv_lines) == 1 and "," in csv_lines[0]  # the header, no rows
    assert "zorg-co-muller" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "change,field,says",
    [
        ({"slug": "vcare"}, "slug", "exists already"),
        ({"name": "VCARE", "slug": "vcare-2"}, "name", "exists already"),
        ({"slug": "Zorg_Co"}, "slug", "lower-case letters a-z"),
        ({"slug": "zorg--co"}, "slug", "single hyphens"),
        ({"slug": "-zorg"}, "slug", "single hyphens"),
        ({"slug": "new"}, "slug", "addresses use"),
        ({"slug": "users"}, "slug", "addresses use"),
        ({"name": "!!!", "slug": ""}, "slug", "at least one letter"),
        ({"kvk_number": "1234567"}, "kvk_number", "8 digits (this has 7)"),
        ({"kvk_number": "123456789"}, "kvk_number", "8 digits (this has 9)"),
        ({"kvk_number": "HRB 12345 Amtsgericht München"}, "kvk_number", "at most 20 characters"),
        ({"legal_name": ""}, "legal_name", "Give the legal name"),
        ({"address": "  "}, "address", "Give the processor's address"),
    ],
)
def test_a_refused_processor_says_why_at_the_field_and_keeps_the_input(client, users, login, change, field, says):
    login(users.admin)
    before = db.session.scalar(select(db.func.count()).select_from(Processor))
    response = client.post("/admin/processors/new", data={**NEW, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert says in field_errors(page)[field]
    kept = {i.get("name"): i.get("value") for i in parse(page).iter("input")}
    assert kept["legal_name"] == change.get("legal_name", NEW["legal_name"])
    assert kept["slug"] == change.get("slug", "")
    assert db.session.scalar(select(db.func.count()).select_from(Processor)) == before


def test_a_registration_outside_the_netherlands_is_kept_as_typed(client, users, login):
    login(users.admin)
    response = client.post("/admin/processors/new", data={**NEW, "kvk_number": "HRB  12345", "slug": "zorg-de"})
    assert response.status_code == 302
    assert db.session.scalar(select(Processor).filter_by(slug="zorg-de")).kvk_number == "HRB 12345"


def _login_elsewhere(app, user):
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return other


def test_the_admin_disables_an_editor_whose_sessions_end_and_enables_it_again(app, client, users, login):
    editor = users.vcare_editor
    elsewhere = _login_elsewhere(app, editor)
    assert elsewhere.get("/admin/processors/vcare/").status_code == 200
    login(users.admin)
    page = client.get("/admin/processors/vcare/users/").get_data(as_text=True)
    assert [editor.email, "active", f"Disable (remove) {editor.email}"] in table_rows(page, "Editors of")

    assert client.post(f"/admin/processors/vcare/users/{editor.id}/disable").status_code == 302
    assert not _stored(editor.id).active
    assert "/login" in elsewhere.get("/admin/processors/vcare/").headers["Location"]
    refused = app.test_client().post("/login", data={"email": editor.email, "password": PASSWORD})
    assert refused.status_code != 302
    page = client.get("/admin/processors/vcare/users/").get_data(as_text=True)
    assert [editor.email, "disabled", f"Enable {editor.email}"] in table_rows(page, "Editors of")

    assert client.post(f"/admin/processors/vcare/users/{editor.id}/enable").status_code == 302
    assert _stored(editor.id).active
    # Enabling lets the editor log in again, and does not bring back the sessions that ended.
    assert "/login" in elsewhere.get("/admin/processors/vcare/").headers["Location"]
    _login_elsewhere(app, editor)
    actions = db.session.scalars(
        select(AuditEntry.action).filter_by(object_type="User", object_id=editor.id).order_by(AuditEntry.id)
    ).all()
    assert [a for a in actions if a in ("user.disable", "user.enable")] == ["user.disable", "user.enable"]
    assert client.post(f"/admin/processors/vcare/users/{editor.id}/enable").status_code == 302
    assert db.session.scalars(select(AuditEntry.action).filter_by(action="user.enable")).all() == ["user.enable"]


def test_an_editor_removes_a_fellow_editor_but_not_itself(client, users, login):
    fellow = accounts.create_user("tweede@vcare.example.org", "editor", "vcare", PASSWORD, actor="test")
    login(users.vcare_editor)
    page = client.get("/admin/processors/vcare/users/").get_data(as_text=True)
    rows = table_rows(page, "Editors of")
    assert [users.vcare_editor.email, "active", ""] in rows  # no button on its own row
    assert [fellow.email, "active", f"Disable (remove) {fellow.email}"] in rows
    assert client.post(f"/admin/processors/vcare/users/{users.vcare_editor.id}/disable").status_code == 404
    assert client.post(f"/admin/processors/vcare/users/{fellow.id}/disable").status_code == 302
    assert not _stored(fellow.id).active and _stored(users.vcare_editor.id).active
    entry = db.session.scalar(select(AuditEntry).filter_by(action="user.disable"))
    assert entry.actor_id == users.vcare_editor.id and fellow.email in entry.summary
    assert client.post(f"/admin/processors/vcare/users/{fellow.id}/enable").status_code == 302
    assert _stored(fellow.id).active


def test_an_account_is_disabled_only_at_its_own_processor(client, users, login):
    login(users.vtm_editor)
    assert client.post(f"/admin/processors/vcare/users/{users.vcare_editor.id}/disable").status_code == 404
    assert client.post(f"/admin/processors/vtm/users/{users.vcare_editor.id}/disable").status_code == 404
    client.post("/logout")
    login(users.admin)
    for url in [
        f"/admin/processors/vtm/users/{users.vcare_editor.id}/disable",
        f"/admin/processors/vcare/users/{users.admin.id}/disable",
        f"/admin/processors/vcare/users/{users.controller_a.id}/disable",
        "/admin/processors/vcare/users/99999999/disable",
    ]:
        assert client.post(url).status_code == 404, url
    db.session.expire_all()
    assert all(u.active for u in db.session.scalars(select(User)))


def test_onboarding_reads_in_dutch(client, users, login):
    login(users.admin)
    dutch = {"Accept-Language": "nl"}
    assert "Een verwerker toevoegen" in client.get("/admin/", headers=dutch).get_data(as_text=True)
    page = client.post("/admin/processors/new", data={**NEW, "kvk_number": "1234"}, headers=dutch)
    assert "Een KvK-nummer heeft 8 cijfers (dit heeft er 4)" in field_errors(page.get_data(as_text=True))["kvk_number"]
    page = client.get("/admin/processors/vcare/users/", headers=dutch).get_data(as_text=True)
    assert [users.vcare_editor.email, "actief", f"Uitschakelen (verwijderen) {users.vcare_editor.email}"] in table_rows(
        page, "Redacteuren van"
    )
