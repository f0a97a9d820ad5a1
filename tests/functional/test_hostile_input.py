"""Hostile bytes and sizes: NUL and other control characters, direction overrides, values longer than their
column and bodies larger than the site accepts get a clear answer (a field message that keeps the text, a 404,
a 400, a 413 page), never a 500; and an error page never fails itself."""

from __future__ import annotations

import inspect
import logging
import time

import pytest
from sqlalchemy import func, select, text
from wtforms import Form
from wtforms.fields import BooleanField, FieldList, HiddenField, StringField, TextAreaField
from wtforms.validators import Length

import registry
from registry import create_app
from registry.extensions import db
from registry.models import (
    Announcement,
    ContractTerms,
    CustomerContract,
    Objection,
    ObjectionMessage,
    Organisation,
    Service,
    SubProcessor,
    Subscription,
    User,
)
from registry.models.subprocessor import Location
from registry.text.plain import forbidden_character
from registry.web.forms import PlainText, PlainTextForm, PlainTextSubform

from ..conftest import FreshContextClient
from ..factories import PASSWORD
from .announce import form as announcement_form
from .portal import GROUNDS, announce, contract, objection_form, objection_url

NUL = "\x00"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "gpj.exe" shows as "exe.jpg"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Paths and query arguments --------------------------------------------------------------------------------

HOSTILE_SEGMENTS = ["%00", "vcare%00", "%07", "%1B%5B31m", "%7F", "%C2%85", "v%E2%80%AEcare", "%E2%81%A6x"]
PATHS = [
    "/processors/{}/",
    "/api/v1/processors/{}",
    "/processors/{}/feed.atom",
    "/processors/{}/feed.rss",
    "/processors/{}/registry.csv",
    "/processors/{}/changes/",
    "/processors/{}/versions/",
    "/processors/{}/subscribe",
    "/processors/{}/compare?from=1&to=2",
    "/processors/vcare/services/{}/",
    "/processors/vcare/services/{}/feed.atom",
    "/subscriptions/{}/",
    "/subscriptions/{}/unsubscribe",
    "/subscriptions/confirm/{}",
    "/admin/processors/{}/",
    "/static/{}",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_control_or_direction_character_in_a_path_is_404_not_500(client, path):
    """On PostgreSQL `/processors/%00/` was a 500: the slug went to the database, which cannot compare NUL."""
    for segment in HOSTILE_SEGMENTS:
        response = client.get(path.format(segment))
        assert response.status_code == 404, (path, segment, response.status_code)
        assert "There is nothing at this address" in response.get_data(as_text=True) or path.startswith("/api/")


def test_a_hostile_path_is_404_for_a_post_too(client, users, login):
    login(users.vcare_editor)
    for url in [
        "/processors/%00/subscribe",
        "/subscriptions/%00/unsubscribe",
        "/subscriptions/%00/",
        "/admin/processors/vc%00are/services/new",
    ]:
        assert client.post(url, data={"email": "a@example.org", "name": "x"}).status_code == 404, url


def test_the_same_paths_without_the_character_still_answer(client):
    assert client.get("/processors/vcare/").status_code == 200
    assert client.get("/api/v1/processors/vcare").status_code == 200
    assert client.get("/processors/vcare/services/operator/").status_code == 200
    # Letters of right-to-left scripts are plain text: only the invisible controls are refused.
    assert client.get("/processors/%D7%A9%D7%9C%D7%95%D7%9D/").status_code == 404  # no such processor, no 500


@pytest.mark.parametrize(
    "url,name",
    [
        ("/processors/vcare/?at=2026-01-01%00", "at"),
        ("/api/v1/processors/vcare?at=%00", "at"),
        ("/processors/vcare/registry.csv?at=%1B", "at"),
        ("/feed.atom?lang=nl%00", "lang"),
        ("/processors/vcare/changes/?page=1%00", "page"),
        ("/login?next=/portal/%00", "next"),
        ("/processors/vcare/compare?from=1&to=2%E2%80%AE", "to"),
        ("/processors/vcare/?%00=1", None),
    ],
)
def test_a_control_or_direction_character_in_a_query_argument_is_a_clear_400(client, url, name):
    response = client.get(url)
    assert response.status_code == 400, response.status_code
    body = response.get_data(as_text=True) if not url.startswith("/api/") else response.get_json()["message"]
    assert "invisible control or text-direction character" in body
    assert NUL not in body  # the page names the character by its code, it does not echo it
    assert (
        (f"&#39;{name}&#39; in the address" in body or f"'{name}' in the address" in body)
        if name
        else "The address holds" in body
    )


# Form fields --------------------------------------------------------------------------------------------


def service_data(**change) -> dict:
    data = {
        "name": "Spraakherkenning",
        "key": "",
        "description": "Transcriptie van gesprekken",
        "data_categories": "Spraakopnamen\r\nTranscripties",
        "data_subjects": "Bellers",
        "purposes": "Transcriptie",
        "retention": "30 dagen",
        "source": "Bijlage A",
    }
    data.update(change)
    return data


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("name", f"Spraak{NUL}herkenning", "Remove the invisible control character U+0000 at position 7"),
        ("description", f"Transcriptie{NUL}", "Remove the invisible control character U+0000 at position 13"),
        ("purposes", "Transcriptie\x1b[31m", "Remove the invisible control character U+001B at position 13"),
        ("source", "\x1f", "Remove the invisible control character U+001F at position 1"),
        ("name", f"gpj{RLO}.exe", "Remove the invisible text-direction character U+202E at position 4"),
        ("name", "Spraak\nherkenning", "Remove the line break (U+000A) at position 7"),
        ("key", "spraak\u2028x", "Remove the line break (U+2028) at position 7"),
    ],
)
def test_a_control_character_in_a_field_gets_a_message_and_the_form_keeps_the_text(
    client, users, login, field, value, message
):
    """On PostgreSQL a NUL in any text field was a 500 (and on SQLite it was stored, to break the XML feeds)."""
    login(users.vcare_editor)
    before = count(Service)
    response = client.post("/admin/processors/vcare/services/new", data=service_data(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page
    assert message in page
    assert "Transcriptie van gesprekken" in page or field == "description"  # the rest is kept
    assert value.replace("\r\n", "\n") in page or field == "key"  # and so is the refused value
    assert count(Service) == before


def test_tabs_and_line_breaks_stay_in_multi_line_text_and_right_to_left_letters_in_names(client, users, login):
    login(users.vcare_editor)
    data = service_data(name="خدمة الهاتف", key="telefoon-ar", description="Regel 1\r\n\tRegel 2")
    assert client.post("/admin/processors/vcare/services/new", data=data).status_code == 302
    made = db.session.scalar(select(Service).filter_by(name="خدمة الهاتف"))
    assert made.description == "Regel 1\r\n\tRegel 2" and made.data_categories == ["Spraakopnamen", "Transcripties"]


def test_a_nul_in_the_grounds_of_an_objection_gets_a_message_and_records_nothing(client, users, login):
    item = announce(users.vcare_editor)
    login(users.controller_a)
    grounds = GROUNDS + NUL + " and more"
    response = client.post(objection_url(item, contract()), data=objection_form(item, contract(), grounds=grounds))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Remove the invisible control character U+0000 at position {len(GROUNDS) + 1}" in page
    assert "we were promised that." in page
    assert count(Objection) == 0


def test_a_nul_in_a_message_or_a_reason_is_refused_on_both_sides(client, users, login):
    item = announce(users.vcare_editor)
    login(users.controller_a)
    made = client.post(objection_url(item, contract()), data=objection_form(item, contract()))
    assert made.status_code == 302
    objection = db.session.scalar(select(Objection))
    assert client.post(f"/portal/objections/{objection.id}/messages", data={"body": "Hello\x00"}).status_code == 400
    client.post("/logout")
    login(users.vcare_editor)
    base = f"/admin/processors/vcare/objections/{objection.id}"
    assert client.post(f"{base}/messages", data={"body": "\x00"}).status_code == 400
    outcome = client.post(f"{base}/outcome", data={"outcome": "agreed\x00", "note": "Agreed on a new supplier."})
    assert outcome.status_code == 400 and "U+0000" in outcome.get_data(as_text=True)
    assert count(ObjectionMessage) == 0 and db.session.get(Objection, objection.id).outcome is None
    draft = client.post(
        "/admin/processors/vcare/announcements/new",
        data=announcement_form(reason="Cheaper\x00", new_name="Acme", days=90),
    )
    assert draft.status_code == 400 and "U+0000" in draft.get_data(as_text=True)
    withdrawal = client.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "No\x00"})
    assert withdrawal.status_code == 400
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).status == "published"


def test_a_nul_in_the_login_or_the_subscription_form_is_a_message(client):
    login = client.post("/login", data={"email": "a\x00@example.org", "password": "x\x00"})
    assert login.status_code in (400, 401) and "U+0000" in login.get_data(as_text=True)
    subscribe = client.post("/processors/vcare/subscribe", data={"email": "a@example.org\x00", "language": "en"})
    assert subscribe.status_code == 400 and "U+0000" in subscribe.get_data(as_text=True)
    assert count(Subscription) == 0


def test_the_command_line_refuses_control_characters_too(runner):
    """A script that passes a NUL reached PostgreSQL (a DataError traceback); a password with a tab was stored,
    and the login form would then refuse it: the account could never log in."""
    nul = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "editor", "--org", "vc\x00are"],
        input="a long enough password\n",
    )
    assert nul.exit_code == 2 and "U+0000" in nul.output and nul.exception is not None
    assert isinstance(nul.exception, SystemExit)
    tab = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "editor", "--org", "vcare"],
        input="a long\tenough password\n",
    )
    assert tab.exit_code == 1 and "invisible control or direction character" in tab.output
    check = runner.invoke(args=["registry", "check", "--processor", "vtm\x1b[2J"])
    assert check.exit_code == 2 and "U+001B" in check.output
    assert db.session.scalar(select(User).filter_by(email="new@example.org")) is None


# Every form, by construction ------------------------------------------------------------------------------


def every_form_class() -> list[type]:
    """Every form class of the app, found by walking the package (so that a new form cannot be missed)."""
    import importlib
    import pkgutil

    found = set()
    for module in pkgutil.walk_packages(registry.__path__, "registry."):
        if module.name.startswith("registry.translations"):
            continue
        for _, obj in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if (
                issubclass(obj, Form)
                and obj.__module__.startswith("registry.")
                and obj not in (PlainTextForm, PlainTextSubform)
            ):
                found.add(obj)
    return sorted(found, key=lambda cls: cls.__qualname__)


def bound_fields(app, form_class):
    with app.test_request_context():
        form = form_class()
        for field in form:
            if isinstance(field, FieldList):
                for entry in field:
                    yield from (sub for sub in entry.form)
            else:
                yield field


def test_every_form_puts_the_plain_text_rule_first_and_a_length_on_every_text_field(app):
    classes = every_form_class()
    assert len(classes) >= 17, [c.__name__ for c in classes]
    for form_class in classes:
        assert issubclass(form_class, (PlainTextForm, PlainTextSubform)), form_class
        for field in bound_fields(app, form_class):
            if isinstance(field, (BooleanField, HiddenField)) or field.name == "csrf_token":
                continue
            assert isinstance(field.validators[0], PlainText), (form_class.__name__, field.name)
            assert field.validators[0].multi_line == isinstance(field, TextAreaField), field.name
            if isinstance(field, StringField):
                lengths = [v for v in field.validators if isinstance(v, Length) and v.max > 0]
                assert lengths, f"{form_class.__name__}.{field.name} has no Length(max=…)"


# Form field → the column its value is stored in (where the names differ, or the model is another one).
COLUMNS = {
    ("ServiceForm", "name"): Service.name,
    ("ServiceForm", "key"): Service.key,
    ("ServiceForm", "source"): Service.source,
    ("NewContractForm", "organisation_name"): Organisation.name,
    ("ContractForm", "reference"): CustomerContract.reference,
    ("ContractForm", "notice_email"): CustomerContract.notice_email,
    ("AnnouncementForm", "new_name"): SubProcessor.name,
    ("AnnouncementForm", "new_legal_name"): SubProcessor.legal_name,
    ("LocationForm", "place"): Location.place,
    ("SubscribeForm", "email"): Subscription.email,
    ("LoginForm", "email"): User.email,
}


def test_no_text_field_takes_more_than_its_column_holds(app):
    """A value longer than its column was a DataError (500) on PostgreSQL; the form's Length must refuse it first."""
    checked = 0
    for form_class in every_form_class():
        for field in bound_fields(app, form_class):
            short = field.name.rsplit("-", 1)[-1]
            column = COLUMNS.get((form_class.__name__, short))
            if column is None and form_class.__name__ == "TermsForm":
                column = getattr(ContractTerms, short, None)
            if not isinstance(field, StringField) or getattr(getattr(column, "type", None), "length", None) is None:
                continue
            longest = max(v.max for v in field.validators if isinstance(v, Length))
            assert longest <= column.type.length, (form_class.__name__, short, longest, column.type.length)
            checked += 1
    assert checked >= 20, checked


def test_over_long_values_get_a_field_message_on_every_form(client, users, login):
    login(users.vcare_editor)
    for url, data, field in [
        ("/admin/processors/vcare/services/new", service_data(key="k" * 65), "key"),
        ("/admin/processors/vcare/announcements/new", announcement_form(new_name="N" * 201, days=90), "new_name"),
        (
            "/admin/processors/vcare/announcements/new",
            announcement_form(days=90, **{"locations-0-place": "P" * 201}),
            "place",
        ),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 400, (url, field)
        assert "Field cannot be longer than" in response.get_data(as_text=True)


# Request size -----------------------------------------------------------------------------------------------


def test_a_body_larger_than_one_megabyte_gets_a_readable_413_page_in_both_languages(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    big = {"email": "a@example.org", "language": "en", "filler": "x" * (1024 * 1024)}
    response = client.post("/processors/vcare/subscribe", data=big)
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Too large" in page and "larger than this site accepts (1 MB at most)" in page
    dutch = client.post("/processors/vcare/subscribe", data=big, headers={"Accept-Language": "nl"}).get_data(
        as_text=True
    )
    assert "Te groot" in dutch and "groter dan deze site aanneemt (hoogstens 1 MB)" in dutch
    assert count(Subscription) == 0
    # Just under the limit the form is read and answers for itself.
    fits = client.post("/processors/vcare/subscribe", data={**big, "filler": "x" * (1000 * 1000)})
    assert fits.status_code == 200 and count(Subscription) == 1


def test_the_request_size_limit_is_a_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    small = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'size.db'}",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DEFAULT_LANGUAGE": "en",
        }
    )
    assert small.config["MAX_CONTENT_LENGTH"] == 2048
    response = small.test_client().post("/login", data={"email": "a@example.org", "password": "p" * 3000})
    assert response.status_code == 413 and "2 kB at most" in response.get_data(as_text=True)


# Error pages ------------------------------------------------------------------------------------------------


def app_with_a_failing_route(backend_app):
    """A second app on the test's database session, with a route whose query fails (as a bug would)."""
    settings = {
        key: backend_app.config[key]
        for key in (
            "SQLALCHEMY_DATABASE_URI",
            "SECRET_KEY",
            "SERVER_NAME",
            "BASE_URL",
            "DEFAULT_LANGUAGE",
            "PASSWORD_HASH_METHOD",
        )
    }
    broken = create_app(
        {
            **settings,
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )

    @broken.get("/boom")
    def boom():
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))
        return "unreachable"

    broken.test_client_class = FreshContextClient
    return broken


def test_the_500_page_renders_after_a_failed_query_for_a_logged_in_user(app, users, caplog):
    """On PostgreSQL the failed statement aborts the transaction; the error page asked it who is logged in and
    raised a second error instead of showing the page."""
    broken = app_with_a_failing_route(app)
    client = broken.test_client()
    assert client.post("/login", data={"email": users.controller_a.email, "password": PASSWORD}).status_code == 302
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and users.controller_a.email in page
    assert any(record.exc_info and "no_such_table" in str(record.exc_info[1]) for record in caplog.records)
    assert client.get("/portal/").status_code == 200  # and the next request is served as usual


def test_an_error_page_answers_even_when_the_database_is_down(tmp_path, caplog):
    """With no database the page cannot even learn who is logged in: the status still comes back, as text."""
    down = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'no.db'}",
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "SECRET_KEY": "k" * 40,
        }
    )
    client = down.test_client()
    with client.session_transaction() as session:
        # a logged-in browser (auth/sessions.py: log-in and last-seen times): the page would load the account
        session["_user_id"] = "someone"
        session["logged_in_at"] = session["seen_at"] = int(time.time())
    with caplog.at_level(logging.ERROR):
        response = client.get("/")
    assert response.status_code == 500
    assert response.mimetype == "text/plain" and "500 Internal Server Error" in response.get_data(as_text=True)
    assert any("error page for 500 failed" in record.getMessage() for record in caplog.records)


# A name that fills its column ---------------------------------------------------------------------------


def test_a_second_new_sub_processor_whose_name_fills_the_key_column_gets_a_key_that_fits(client, users, login):
    """Its key was the name's 64 letters plus "-2": 66 characters, a DataError (500) on publishing on PostgreSQL."""
    login(users.vcare_editor)
    name = "Acme " + "x" * 70
    keys = []
    for _ in range(2):
        posted = client.post(
            "/admin/processors/vcare/announcements/new",
            data=announcement_form(new_name=name, days=90, locations=(("NL", "Amsterdam", ""),)),
        )
        assert posted.status_code == 302, posted.get_data(as_text=True)
        draft = db.session.scalar(select(Announcement).order_by(Announcement.id.desc()))
        assert client.post(f"/admin/processors/vcare/announcements/{draft.id}/publish").status_code == 302
        db.session.expire_all()
        keys.append(db.session.get(Announcement, draft.id).entity.key)
    assert keys == ["acme-" + "x" * 59, "acme-" + "x" * 57 + "-2"]


def test_the_plain_text_rule():
    assert forbidden_character("Acme B.V.") is None
    assert forbidden_character("שלום مرحبا 你好 🙂 é") is None
    assert forbidden_character("a\tb") == (2, "\t", "control")
    assert forbidden_character("a\tb\r\nc", multi_line=True) is None
    assert forbidden_character("a\x00", multi_line=True) == (2, NUL, "control")
    assert forbidden_character(f"x{RLO}", multi_line=True) is None  # names only: text may quote Hebrew marks
    assert forbidden_character(f"x{RLO}").kind == "direction"
    assert forbidden_character("\u200fx").kind == "direction"
    assert forbidden_character("a\nb").kind == "line break"
    assert forbidden_character("\x85", multi_line=True).kind == "control"
