"""Two-factor sign-in: setting it up with a code of the app, logging in with a code or a recovery code (each once),
the five minutes between password and code, REQUIRE_2FA for site admins and editors, turning it off.

The codes are worked out here with pyotp (RFC 6238: the secret, 30-second steps, six digits) from the secret the
set-up page shows, at instants fixed by hand; the app reads the same frozen clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from registry.accounts import two_factor
from registry.config import from_environment
from registry.extensions import db
from registry.models import AuditEntry, RecoveryCode, User

from ..factories import PASSWORD
from .test_html import strict
from .test_invitations import accept, invite, link

# Noon in Amsterdam on Tuesday 1 December 2026 (CET, UTC+1): the start of a 30-second step.
NOON = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
CODE_FORMAT = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")


@pytest.fixture
def clock():
    """The clock stands still at NOON; `clock.shift(...)` moves it."""
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).filter_by(action=action)).all()


def secret_on(page: str) -> str:
    return re.search(r'id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")


def set_up(client, moment: datetime = NOON) -> tuple[str, list[str]]:
    """Turn 2FA on for the logged-in account; its secret and the recovery codes shown."""
    secret = secret_on(client.get("/account/2fa/setup").get_data(as_text=True))
    response = client.post("/account/2fa/setup", data={"code": code_at(secret, moment)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return secret, CODE_FORMAT.findall(response.get_data(as_text=True))


def log_in(client, user, **query):
    return client.post("/login", query_string=query, data={"email": user.email, "password": PASSWORD})


def test_setting_up_shows_a_qr_code_and_the_key_and_ten_recovery_codes(clock, client, users, login):
    login(users.vcare_editor)
    page = client.get("/account/2fa/setup")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "<svg" in text and 'class="segno"' in text
    secret = secret_on(text)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert client.get("/account/2fa/setup").get_data(as_text=True).count(secret[:4] + " " + secret[4:8]) == 1
    assert secret_on(client.get("/account/2fa/setup").get_data(as_text=True)) == secret  # the same until confirmed
    # What the QR code holds (RFC 6238's key URI): the issuer and the account's address.
    assert two_factor.provisioning_uri("ed@vcare.example.org", secret) == (
        f"otpauth://totp/Sub-processor%20Registry:ed%40vcare.example.org?secret={secret}"
        "&issuer=Sub-processor%20Registry"
    )
    response = client.post("/account/2fa/setup", data={"code": code_at(secret, NOON)})
    text = response.get_data(as_text=True)
    codes = CODE_FORMAT.findall(text)
    assert response.status_code == 200 and len(set(codes)) == 10
    assert "Keep these ten codes somewhere safe" in text and "They are shown only now." in text
    user = db.session.get(User, users.vcare_editor.id)
    db.session.refresh(user)
    assert user.totp_enabled_at == NOON
    assert secret not in user.totp_secret  # sealed, not kept as typed
    assert len(db.session.scalars(select(RecoveryCode).filter_by(user_id=user.id)).all()) == 10
    assert all(code.replace("-", "") not in rc.code_hash for rc in user_codes(user) for code in codes)
    [entry] = entries("2fa.enable")
    assert entry.object_id == user.id and entry.actor_id == user.id and secret not in str(entry.details)
    status = client.get("/account/2fa").get_data(as_text=True)
    assert "Two-factor sign-in is on since" in status and "10 unused recovery codes are left." in status
    assert client.get("/account/2fa/setup").headers["Location"] == "/account/2fa"  # on already


def user_codes(user):
    return db.session.scalars(select(RecoveryCode).filter_by(user_id=user.id)).all()


@pytest.mark.parametrize("typed", ["000000", "12345", "abcdef", "１２３４５６"])
def test_a_wrong_code_at_set_up_is_refused_and_kept(clock, client, users, login, typed):
    login(users.controller_a)
    secret = secret_on(client.get("/account/2fa/setup").get_data(as_text=True))
    if typed == "000000" and code_at(secret, NOON) == typed:
        typed = "000001"
    response = client.post("/account/2fa/setup", data={"code": typed})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "That code is not right." in text
    assert f'value="{typed}"' in text and secret_on(text) == secret
    db.session.expire_all()
    assert db.session.get(User, users.controller_a.id).totp_enabled_at is None and entries("2fa.enable") == []


def test_logging_in_asks_for_a_code_and_a_code_works_once(clock, client, users, login):
    login(users.vcare_editor)
    secret, _codes = set_up(client)
    client.post("/logout")
    clock.shift(timedelta(seconds=30))
    response = log_in(client, users.vcare_editor)
    assert response.status_code == 302 and response.headers["Location"] == "/login/2fa"
    # The password alone reaches no protected page.
    for url in ("/admin/", "/admin/processors/vcare/", "/account/2fa", "/account/password", "/portal/"):
        assert client.get(url).headers["Location"].startswith("/login"), url
    assert "Enter your code" in client.get("/login/2fa").get_data(as_text=True)
    code = code_at(secret, NOON + timedelta(seconds=30))
    response = client.post("/login/2fa", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/processors/vcare/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, users.vcare_editor.id).last_login_at == NOON + timedelta(seconds=30)
    client.post("/logout")
    log_in(client, users.vcare_editor)
    again = client.post("/login/2fa", data={"code": code})  # the same code, still in its 30 seconds
    assert again.status_code == 401 and "it was used already" in again.get_data(as_text=True)
    assert f'value="{code}"' in again.get_data(as_text=True)
    assert client.get("/admin/").headers["Location"].startswith("/login")


def test_the_code_of_the_previous_step_is_taken_but_not_an_older_one(clock, client, users, login):
    login(users.controller_a)
    secret, _codes = set_up(client)
    client.post("/logout")
    clock.shift(timedelta(seconds=90))  # 11:01:30 UTC, step 3 after NOON's
    log_in(client, users.controller_a)
    two_back = client.post("/login/2fa", data={"code": code_at(secret, NOON + timedelta(seconds=30))})
    assert two_back.status_code == 401
    previous = client.post("/login/2fa", data={"code": code_at(secret, NOON + timedelta(seconds=60))})
    assert previous.status_code == 302 and previous.headers["Location"] == "/portal/"


def test_a_recovery_code_logs_in_once(clock, client, users, login):
    login(users.controller_a)
    _secret, codes = set_up(client)
    client.post("/logout")
    log_in(client, users.controller_a)
    typed = codes[3].upper().replace("-", " ")  # as someone may type it from paper
    response = client.post("/login/2fa", data={"code": typed})
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    [entry] = entries("2fa.recovery_code_used")
    assert entry.object_id == users.controller_a.id
    assert "9 unused recovery codes are left." in client.get("/account/2fa").get_data(as_text=True)
    client.post("/logout")
    log_in(client, users.controller_a)
    again = client.post("/login/2fa", data={"code": codes[3]})
    assert again.status_code == 401
    assert "neither a current code of your authenticator app nor an unused recovery code" in again.get_data(
        as_text=True
    )
    assert client.post("/login/2fa", data={"code": codes[4]}).status_code == 302


def test_the_code_must_follow_the_password_within_five_minutes(clock, client, users, login):
    login(users.controller_a)
    secret, _codes = set_up(client)
    client.post("/logout")
    log_in(client, users.controller_a, next="/portal/deliveries")
    clock.shift(timedelta(minutes=4, seconds=59))
    assert client.get("/login/2fa").status_code == 200
    clock.shift(timedelta(seconds=2))  # 5 minutes and 1 second after the password
    late = client.post("/login/2fa", data={"code": code_at(secret, NOON + timedelta(minutes=5, seconds=1))})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "The code was not entered within 5 minutes of the password. Log in again." in page
    assert client.get("/portal/").headers["Location"].startswith("/login")
    assert client.get("/login/2fa").headers["Location"] == "/login"  # the marker is gone
    # Starting again works, and `next` is kept through both steps.
    log_in(client, users.controller_a, next="/portal/deliveries")
    done = client.post("/login/2fa", data={"code": code_at(secret, NOON + timedelta(minutes=5, seconds=1))})
    assert done.status_code == 302 and done.headers["Location"] == "/portal/deliveries"


def test_a_password_change_voids_a_pending_log_in(clock, app, client, users, login):
    login(users.controller_a)
    secret, _codes = set_up(client)
    client.post("/logout")
    log_in(client, users.controller_a)
    user = db.session.get(User, users.controller_a.id)
    user.set_password("seven otters juggle 42 plums")
    db.session.commit()
    response = client.post("/login/2fa", data={"code": code_at(secret, NOON + timedelta(seconds=30))})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "This log-in can no longer be completed." in client.get("/login").get_data(as_text=True)


def test_wrong_codes_pause_the_second_step(clock, app, client, users, login):
    login(users.controller_a)
    set_up(client)
    client.post("/logout")
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "3 per 15 minutes"
    try:
        log_in(client, users.controller_a)
        statuses = [client.post("/login/2fa", data={"code": "abcde-fghij"}).status_code for _n in range(4)]
        assert statuses == [401, 401, 401, 429]
        paused = client.post("/login/2fa", data={"code": "abcde-fghij"}).get_data(as_text=True)
        assert "Entering a code is paused for 15 more minutes." in paused
    finally:
        app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "1000 per minute"


@pytest.fixture
def required(app):
    app.config["REQUIRE_2FA"] = True
    yield
    app.config["REQUIRE_2FA"] = False


def test_required_2fa_sends_an_editor_to_set_it_up_first(clock, required, client, users):
    response = log_in(client, users.vcare_editor, next="/admin/processors/vcare/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/2fa/setup"
    for url in ("/admin/", "/admin/processors/vcare/", "/account/password", "/account/2fa", "/"):
        assert client.get(url).headers["Location"] == "/account/2fa/setup", url
    page = client.get("/account/2fa/setup").get_data(as_text=True)
    assert "Site admins and processor editors must use two-factor sign-in" in page
    with client.get("/static/style.css") as style:
        assert style.status_code == 200
    assert client.get("/logout").status_code == 200
    switched = client.post("/language", data={"language": "nl", "next": "/account/2fa/setup"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/account/2fa/setup"
    assert "Tweestapsaanmelding instellen" in client.get("/account/2fa/setup").get_data(as_text=True)
    secret = secret_on(client.get("/account/2fa/setup").get_data(as_text=True))
    assert client.post("/account/2fa/setup", data={"code": code_at(secret, NOON)}).status_code == 200
    assert client.get("/admin/processors/vcare/").status_code == 200


def test_required_2fa_leaves_controller_users_free(clock, required, client, users):
    response = log_in(client, users.controller_a)
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    assert "Two-factor sign-in is off" in client.get("/account/2fa").get_data(as_text=True)


def test_turning_it_off_takes_the_password_and_a_code(clock, client, users, login):
    login(users.controller_a)
    secret, codes = set_up(client)
    clock.shift(timedelta(seconds=30))
    code = code_at(secret, NOON + timedelta(seconds=30))
    wrong = client.post("/account/2fa/disable", data={"disable-password": "not my password", "disable-code": code})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "That is not your password." in text and f'value="{code}"' in text
    bad_code = client.post("/account/2fa/disable", data={"disable-password": PASSWORD, "disable-code": "123"})
    assert bad_code.status_code == 400 and "neither a current code" in bad_code.get_data(as_text=True)
    done = client.post("/account/2fa/disable", data={"disable-password": PASSWORD, "disable-code": code})
    assert done.status_code == 302 and done.headers["Location"] == "/account/2fa"
    assert "Two-factor sign-in is off. You log in with your password alone." in client.get("/account/2fa").get_data(
        as_text=True
    )
    [entry] = entries("2fa.disable")
    assert entry.object_id == users.controller_a.id
    user = db.session.get(User, users.controller_a.id)
    db.session.refresh(user)
    assert user.totp_secret is None and user.totp_enabled_at is None and user_codes(user) == []
    client.post("/logout")
    assert log_in(client, users.controller_a).headers["Location"] == "/portal/"


def test_new_recovery_codes_replace_the_old_ones(clock, client, users, login):
    login(users.controller_a)
    secret, old = set_up(client)
    clock.shift(timedelta(seconds=30))
    code = code_at(secret, NOON + timedelta(seconds=30))
    response = client.post(
        "/account/2fa/recovery-codes", data={"regenerate-password": PASSWORD, "regenerate-code": code}
    )
    new = CODE_FORMAT.findall(response.get_data(as_text=True))
    assert response.status_code == 200 and len(set(new)) == 10 and not set(new) & set(old)
    assert len(entries("2fa.recovery_codes")) == 1
    client.post("/logout")
    log_in(client, users.controller_a)
    assert client.post("/login/2fa", data={"code": old[0]}).status_code == 401
    assert client.post("/login/2fa", data={"code": new[0]}).status_code == 302


def test_the_operator_lists_and_resets_2fa(clock, app, runner, client, users, login):
    login(users.controller_a)
    set_up(client)
    db.session.expire_all()  # the command runs in this test's session, which has read the accounts before
    listed = {line.split()[0]: line.split()[4:] for line in runner.invoke(args=["users", "list"]).output.splitlines()}
    assert listed["a@praktijk-x.example.org"] == ["2fa", "2026-12-01", "11:00", "UTC"]
    assert listed["b@praktijk-b.example.org"] == ["no-2fa", "never"]
    result = runner.invoke(args=["users", "reset-2fa", "A@Praktijk-X.example.org"])
    assert result.exit_code == 0, result.output
    assert result.output == "Two-factor sign-in of a@praktijk-x.example.org is off; every session of it has ended.\n"
    assert client.get("/portal/").headers["Location"].startswith("/login")  # logged out
    [entry] = entries("2fa.reset")
    assert entry.object_id == users.controller_a.id and entry.actor_label == "cli"
    assert log_in(client, users.controller_a).headers["Location"] == "/portal/"  # the password alone again
    again = runner.invoke(args=["users", "reset-2fa", "a@praktijk-x.example.org"])
    assert again.exit_code == 1 and "Two-factor sign-in is not on for a@praktijk-x.example.org." in again.output
    unknown = runner.invoke(args=["users", "reset-2fa", "nobody@example.org"])
    assert unknown.exit_code == 1 and "No account for nobody@example.org." in unknown.output


def test_the_pages_are_valid_html_and_read_in_dutch(clock, client, users, login):
    dutch = {"Accept-Language": "nl"}
    login(users.controller_a)
    pages = {}
    pages["setup"] = client.get("/account/2fa/setup", headers=dutch).get_data(as_text=True)
    pages["off"] = client.get("/account/2fa", headers=dutch).get_data(as_text=True)
    pages["wrong"] = client.post("/account/2fa/setup", data={"code": "12"}, headers=dutch).get_data(as_text=True)
    secret = secret_on(pages["setup"])
    codes = client.post("/account/2fa/setup", data={"code": code_at(secret, NOON)}, headers=dutch)
    pages["codes"] = codes.get_data(as_text=True)
    pages["on"] = client.get("/account/2fa", headers=dutch).get_data(as_text=True)
    pages["refused"] = client.post(
        "/account/2fa/disable", data={"disable-password": "x", "disable-code": "1"}, headers=dutch
    ).get_data(as_text=True)
    client.post("/logout")
    log_in(client, users.controller_a)
    pages["step"] = client.get("/login/2fa", headers=dutch).get_data(as_text=True)
    pages["step wrong"] = client.post("/login/2fa", data={"code": "000000x"}, headers=dutch).get_data(as_text=True)
    for name, page in pages.items():
        strict(page, name)
    expected = {
        "setup": ["Tweestapsaanmelding instellen", "Scan deze QR-code", "Of typ deze sleutel met de hand in de app:"],
        "off": ["Tweestapsaanmelding staat uit: u logt in met alleen uw wachtwoord."],
        "wrong": ["Die code klopt niet."],
        "codes": ["Uw herstelcodes", "Bewaar deze tien codes op een veilige plek", "Tweestapsaanmelding staat aan."],
        "on": [
            "Er zijn nog 10 ongebruikte herstelcodes.",
            "Nieuwe herstelcodes maken",
            "Tweestapsaanmelding uitzetten",
        ],
        "refused": ["Dat is niet uw wachtwoord."],
        "step": ["Vul uw code in", "Code uit uw authenticator-app, of een herstelcode"],
        "step wrong": ["Dat is geen geldige code van uw authenticator-app en ook geen ongebruikte herstelcode."],
    }
    for name, texts in expected.items():
        for text in texts:
            assert text in pages[name], (name, text)
        assert "Two-factor" not in pages[name] and "recovery code" not in pages[name], name


@pytest.mark.parametrize(
    "environment,required",
    [
        ({}, False),
        ({"REGISTRY_ENV": "production"}, True),
        ({"REGISTRY_ENV": "production", "REQUIRE_2FA": "false"}, False),
        ({"REQUIRE_2FA": "true"}, True),
    ],
)
def test_2fa_is_required_in_production_unless_turned_off(monkeypatch, tmp_path, environment, required):
    for name in ("REGISTRY_ENV", "REQUIRE_2FA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert from_environment(tmp_path)["REQUIRE_2FA"] is required


def test_an_invited_editor_sets_up_2fa_first_where_it_is_required(clock, required, client, users, login):
    login(users.admin)
    assert set_up(client)[1]  # the site admin too must have it before inviting
    invite(client)
    client.post("/logout")
    accepted = accept(client, link())
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/admin/"
    assert client.get("/admin/").headers["Location"] == "/account/2fa/setup"
    set_up(client, NOON)
    assert client.get("/admin/processors/vcare/").status_code == 200
