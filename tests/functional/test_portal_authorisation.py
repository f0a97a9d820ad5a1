"""Every portal and objection route × anonymous, controller A, controller B, the processor's editor,
another processor's editor and the site admin."""

from datetime import timedelta

import pytest

from registry.accounts import api_tokens
from registry.accounts.invitations import invitation_token
from registry.announcements.drafting import save_draft
from registry.cases import calendar_tokens, consents, objections
from registry.mail.invitations import invite, invite_colleague
from registry.subprocessors.snapshot import today
from registry.webhooks import endpoints
from registry.webhooks.owners import Owner

from .portal import GROUNDS, US, announce, contract, objection_form, processor, service
from .test_admin import vcare_routes

ACTORS = ["anonymous", "controller_a", "controller_b", "vcare_editor", "vtm_editor", "admin"]

HOOK = "https://127.0.0.1:9/hooks/registry"


@pytest.fixture
def world(users, app, monkeypatch):
    objected = announce(users.vcare_editor, name="Objected Cloud")
    open_one = announce(users.vcare_editor, name="Open Cloud")
    consented = announce(users.vcare_editor, locations=US, name="Refused Cloud")
    pending = announce(users.vcare_editor, locations=US, name="Pending Cloud")
    vc = contract()
    operator = service("vcare", "operator").id
    made = objections.submit(users.controller_a, objected.id, vc.id, GROUNDS, [operator], today())
    decision = consents.decide(
        users.controller_a, consented.id, vc.id, "refused", "We do not allow transfers to the United States."
    )
    draft = save_draft(
        users.vcare_editor,
        processor("vcare"),
        None,
        {
            "kind": "add",
            "service_ids": [operator],
            "new_name": "Draft Cloud",
            "reason": "Cheaper",
            "effective_date": today() + timedelta(days=60),
            "locations": US,
        },
    )
    invited = invite(users.vcare_editor, processor("vcare"), "nieuw@vcare.example.org", "en")
    colleague = invite_colleague(users.controller_a, "collega@praktijk-x.example.org", "en")
    made_calendar = calendar_tokens.create(users.controller_a, "en")
    made_token, _secret = api_tokens.create(users.vcare_editor, processor("vcare"), "CI", ["read"], 30)
    vtm_token, _secret = api_tokens.create(users.vtm_editor, processor("vtm"), "CI", ["read"], 30)
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)  # registered, never delivered here
    hook = endpoints.register(users.controller_a, Owner(organisation=users.controller_a.organisation), HOOK)
    vcare_hook = endpoints.register(users.vcare_editor, Owner(processor=processor("vcare")), HOOK)
    return dict(
        hook=hook.id,
        vcare_hook=vcare_hook.id,
        token=made_token.id,
        vtm_token=vtm_token.id,
        calendar=made_calendar.id,
        calendar_ics=f"/portal/calendar/{made_calendar.token}.ics",
        invitation=invited.id,
        colleague=colleague.id,
        invitation_token=invitation_token(invited),
        o=made.id,
        d=decision.id,
        c=vc.id,
        a=objected.id,
        open=open_one,
        pending=pending.id,
        open_form=objection_form(open_one, vc),
        draft=draft.id,
        editor=users.vcare_editor.id,
    )


def routes(w):
    """(method, url, data, expected status per actor in ACTORS order)."""
    c, o, a, draft = w["c"], w["o"], w["a"], w["draft"]
    portal_all = [302, 200, 200, 403, 403, 403]
    portal_own = [302, 200, 404, 403, 403, 403]
    admin_own = [302, 403, 403, 200, 404, 200]
    return [
        ("GET", "/portal/", None, portal_all),
        ("GET", "/portal/deliveries", None, portal_all),
        ("GET", "/portal/deliveries.csv", None, portal_all),
        ("GET", "/portal/objections.csv", None, portal_all),
        ("GET", "/admin/processors/vcare/objections.csv", None, admin_own),
        ("GET", f"/portal/contracts/{c}/", None, portal_own),
        ("GET", f"/portal/announcements/{w['a']}/", None, portal_own),
        ("GET", f"/portal/contracts/{c}/announcements/{w['open'].id}/objection", None, portal_own),
        ("GET", f"/portal/contracts/{c}/announcements/{w['pending']}/consent", None, portal_own),
        ("GET", f"/portal/objections/{o}/", None, portal_own),
        ("GET", f"/portal/consents/{w['d']}/", None, portal_own),
        ("POST", f"/portal/objections/{o}/messages", {"body": "A question"}, [302, 302, 404, 403, 403, 403]),
        ("POST", f"/portal/objections/{o}/termination", {"confirm": "y"}, [302, 400, 404, 403, 403, 403]),
        (
            "POST",
            f"/portal/contracts/{c}/announcements/{w['pending']}/consent",
            {"announcement_id": str(w["pending"]), "contract_id": str(c), "decision": "maybe"},
            [302, 400, 404, 403, 403, 403],
        ),
        (
            "POST",
            f"/portal/contracts/{c}/announcements/{w['open'].id}/objection",
            w["open_form"],
            [302, 302, 404, 403, 403, 403],
        ),
        ("GET", "/admin/processors/vcare/objections/", None, admin_own),
        ("GET", f"/admin/processors/vcare/objections/{o}/", None, admin_own),
        ("GET", f"/admin/processors/vtm/objections/{o}/", None, [302, 403, 403, 404, 404, 404]),
        (
            "POST",
            f"/admin/processors/vcare/objections/{o}/messages",
            {"body": "An answer"},
            [302, 403, 403, 302, 404, 302],
        ),
        (
            "POST",
            f"/admin/processors/vcare/objections/{o}/outcome",
            {"outcome": "", "note": ""},
            [302, 403, 403, 400, 404, 400],
        ),
        # The processor's announcements and evidence; the draft is published last, as state changes go last.
        ("GET", "/admin/", None, [302, 403, 403, 302, 302, 200]),
        ("GET", "/admin/processors/vcare/announcements/", None, admin_own),
        ("GET", "/admin/processors/vcare/announcements/new", None, admin_own),
        ("POST", "/admin/processors/vcare/announcements/new", {"kind": "add"}, [302, 403, 403, 400, 404, 400]),
        ("GET", "/admin/processors/vcare/tokens/", None, admin_own),
        ("POST", "/admin/processors/vcare/tokens/", {"name": ""}, [302, 403, 403, 400, 404, 400]),
        ("POST", f"/admin/processors/vcare/tokens/{w['token']}/revoke", {}, [302, 403, 403, 302, 404, 302]),
        ("POST", f"/admin/processors/vcare/tokens/{w['vtm_token']}/revoke", {}, [302, 403, 403, 404, 404, 404]),
        ("GET", f"/admin/processors/vcare/announcements/{a}/", None, admin_own),
        ("GET", f"/admin/processors/vtm/announcements/{a}/", None, [302, 403, 403, 404, 404, 404]),
        ("GET", f"/admin/processors/vcare/announcements/{a}/deliveries", None, admin_own),
        ("GET", f"/admin/processors/vcare/announcements/{a}/deliveries.csv", None, admin_own),
        ("GET", f"/admin/processors/vcare/contracts/{c}/deliveries", None, admin_own),
        ("GET", f"/admin/processors/vcare/contracts/{c}/deliveries.csv", None, admin_own),
        ("GET", f"/admin/processors/vtm/contracts/{c}/deliveries", None, [302, 403, 403, 404, 404, 404]),
        ("GET", "/admin/processors/vcare/objections.csv", None, admin_own),
        ("GET", f"/admin/processors/vcare/announcements/{draft}/edit", None, admin_own),
        # Deleting a draft: asked on a page of its own; a published announcement refuses (400), elsewhere 404.
        ("GET", f"/admin/processors/vcare/announcements/{draft}/delete", None, admin_own),
        ("GET", f"/admin/processors/vtm/announcements/{draft}/delete", None, [302, 403, 403, 404, 404, 404]),
        ("GET", f"/admin/processors/vcare/announcements/{a}/delete", None, [302, 403, 403, 400, 404, 400]),
        ("POST", f"/admin/processors/vtm/announcements/{draft}/delete", {}, [302, 403, 403, 404, 404, 404]),
        ("POST", f"/admin/processors/vcare/announcements/{a}/delete", {}, [302, 403, 403, 400, 404, 400]),
        ("POST", f"/admin/processors/vcare/announcements/{a}/withdraw", {"reason": ""}, [302, 403, 403, 400, 404, 400]),
        ("POST", f"/admin/processors/vcare/announcements/{draft}/publish", {}, [302, 403, 403, 302, 404, 302]),
        ("GET", "/account/password", None, [302, 200, 200, 200, 200, 200]),
        # Two-factor sign-in (test_two_factor.py has the rest): each account its own, nobody else's.
        ("GET", "/account/2fa", None, [302, 200, 200, 200, 200, 200]),
        ("GET", "/account/2fa/setup", None, [302, 200, 200, 200, 200, 200]),
        ("POST", "/account/2fa/setup", {"code": ""}, [302, 400, 400, 400, 400, 400]),
        ("POST", "/account/2fa/disable", {"disable-password": "x"}, [302, 400, 400, 400, 400, 400]),
        ("POST", "/account/2fa/recovery-codes", {"regenerate-code": "1"}, [302, 400, 400, 400, 400, 400]),
        # The second log-in step without a password first: back to the log-in.
        ("GET", "/login/2fa", None, [302] * 6),
        ("POST", "/login/2fa", {"code": "123456"}, [302] * 6),
        # Onboarding (test_onboarding.py has the rest); the editor is disabled last, as state changes go last.
        ("GET", "/admin/processors/new", None, [302, 403, 403, 403, 403, 200]),
        ("POST", "/admin/processors/new", {"name": ""}, [302, 403, 403, 403, 403, 400]),
        ("GET", "/admin/processors/vcare/users/", None, admin_own),
        # The contract import (test_contract_import.py has the rest).
        ("GET", "/admin/processors/vcare/contracts/import", None, admin_own),
        ("GET", "/admin/processors/vcare/contracts/import/template.csv?lang=en", None, admin_own),
        ("GET", "/admin/processors/vcare/contracts/import/template.xlsx?lang=nl", None, admin_own),
        ("POST", "/admin/processors/vcare/contracts/import", {}, [302, 403, 403, 400, 404, 400]),
        ("POST", "/admin/processors/vcare/contracts/import/confirm", {}, [302, 403, 403, 400, 404, 400]),
        ("GET", "/admin/processors/vtm/contracts/import", None, [302, 403, 403, 404, 200, 200]),
        # The import of a list (test_import_registry.py has the rest): nothing is stored without a valid file.
        ("GET", "/admin/processors/vcare/import", None, admin_own),
        ("GET", "/admin/processors/vcare/import/template.csv", None, admin_own),
        ("GET", "/admin/processors/vcare/import/template.xlsx", None, admin_own),
        ("GET", "/admin/processors/vtm/import", None, [302, 403, 403, 404, 200, 200]),
        ("POST", "/admin/processors/vcare/import", {}, [302, 403, 403, 400, 404, 400]),
        ("POST", "/admin/processors/vcare/import/confirm", {"carried": "x"}, [302, 403, 403, 400, 404, 400]),
        # Invitations (test_invitations.py has the rest): the link is open to everyone; revoking goes last.
        ("POST", "/admin/processors/vcare/users/invite", {"email": ""}, [302, 403, 403, 400, 404, 400]),
        ("POST", f"/admin/processors/vcare/contracts/{c}/invite", {"email": ""}, [302, 403, 403, 400, 404, 400]),
        ("POST", f"/admin/processors/vtm/contracts/{c}/invite", {"email": ""}, [302, 403, 403, 404, 404, 404]),
        ("GET", f"/invitations/{w['invitation_token']}", None, [200] * 6),
        ("POST", f"/invitations/{w['invitation_token']}", {"new_password": "x"}, [400] * 6),
        ("GET", "/invitations/not-a-link", None, [400] * 6),
        ("POST", "/invitations/not-a-link", {"new_password": "x"}, [400] * 6),
        (
            "POST",
            f"/admin/processors/vtm/users/invitations/{w['invitation']}/resend",
            {},
            [302, 403, 403, 404, 404, 404],
        ),
        (
            "POST",
            f"/admin/processors/vcare/users/invitations/{w['invitation']}/resend",
            {},
            [302, 403, 403, 302, 404, 302],
        ),
        (
            "POST",
            f"/admin/processors/vtm/users/invitations/{w['invitation']}/revoke",
            {},
            [302, 403, 403, 404, 404, 404],
        ),
        (
            "POST",
            f"/admin/processors/vcare/users/invitations/{w['invitation']}/revoke",
            {},
            [302, 403, 403, 302, 404, 302],
        ),
        # ...and the link stops working for whoever could revoke it; its page then asks the inviter for a new one.
        ("GET", f"/invitations/{w['invitation_token']}", None, [200, 200, 200, 400, 200, 400]),
        ("POST", f"/invitations/{w['invitation_token']}/ask", {}, [400, 400, 400, 200, 400, 200]),
        ("POST", "/invitations/not-a-link/ask", {}, [400] * 6),
        ("GET", "/admin/processors/vcare/profile", None, [302, 403, 403, 200, 404, 200]),
        ("POST", "/admin/processors/vcare/profile", {"name": ""}, [302, 403, 403, 400, 404, 400]),
        ("GET", "/admin/processors/vtm/profile", None, [302, 403, 403, 404, 200, 200]),
        ("POST", "/admin/processors/vcare/profile/face", {"accent_colour": "red"}, [302, 403, 403, 400, 404, 400]),
        ("POST", "/admin/processors/vcare/profile/logo/remove", {}, [302, 403, 403, 302, 404, 302]),
        ("GET", "/processors/vcare/logo", None, [404] * 6),
        ("GET", "/processors/vcare/face.css", None, [404] * 6),
        # The editor's own account: a fellow editor or the site admin disables it, the editor itself does not.
        ("POST", f"/admin/processors/vcare/users/{w['editor']}/enable", {}, [302, 403, 403, 404, 404, 302]),
        ("POST", f"/admin/processors/vcare/users/{w['editor']}/disable", {}, [302, 403, 403, 404, 404, 302]),
        ("POST", "/account/password", {"current_password": "wrong"}, [302, 400, 400, 400, 400, 400]),
        # A controller organisation's colleagues: its own users only; revoking goes last.
        ("GET", "/portal/colleagues/", None, portal_all),
        ("POST", "/portal/colleagues/invite", {"email": ""}, [302, 400, 400, 403, 403, 403]),
        ("POST", f"/portal/colleagues/invitations/{w['colleague']}/resend", {}, [302, 302, 404, 403, 403, 403]),
        ("POST", f"/portal/colleagues/invitations/{w['colleague']}/revoke", {}, [302, 302, 404, 403, 403, 403]),
        # A controller organisation's calendar: its address by its secret is open to every reader (no login);
        # making one is for each organisation's own; renewing and revoking its own only, and they go last.
        ("GET", "/portal/calendar/", None, portal_all),
        ("GET", w["calendar_ics"], None, [200] * 6),
        ("GET", "/portal/calendar/not-a-calendar-token-of-anyone.ics", None, [404] * 6),
        ("POST", "/portal/calendar/new", {}, [302, 302, 302, 403, 403, 403]),
        ("POST", f"/portal/calendar/{w['calendar']}/renew", {}, [302, 302, 404, 403, 403, 403]),
        ("GET", w["calendar_ics"], None, [200, 404, 200, 200, 200, 200]),
        ("POST", f"/portal/calendar/{w['calendar']}/revoke", {}, [302, 302, 404, 403, 403, 403]),
        # Webhook endpoints: an organisation's for its controller users, a processor's for its editors.
        ("GET", "/portal/webhooks/", None, portal_all),
        ("POST", "/portal/webhooks/", {"url": ""}, [302, 400, 400, 403, 403, 403]),
        ("GET", f"/portal/webhooks/{w['hook']}", None, portal_own),
        ("POST", f"/portal/webhooks/{w['hook']}/verify", {}, [302, 303, 404, 403, 403, 403]),
        ("POST", f"/portal/webhooks/{w['hook']}/resume", {}, [302, 303, 404, 403, 403, 403]),
        ("POST", f"/portal/webhooks/{w['hook']}/remove", {}, [302, 303, 404, 403, 403, 403]),
        ("GET", "/admin/processors/vcare/webhooks/", None, admin_own),
        ("POST", "/admin/processors/vcare/webhooks/", {"url": ""}, [302, 403, 403, 400, 404, 400]),
        ("GET", f"/admin/processors/vcare/webhooks/{w['vcare_hook']}", None, admin_own),
        ("GET", f"/admin/processors/vtm/webhooks/{w['vcare_hook']}", None, [302, 403, 403, 404, 404, 404]),
        ("GET", f"/admin/processors/vcare/webhooks/{w['hook']}", None, [302, 403, 403, 404, 404, 404]),
        ("POST", f"/admin/processors/vcare/webhooks/{w['vcare_hook']}/verify", {}, [302, 403, 403, 303, 404, 303]),
        ("POST", f"/admin/processors/vcare/webhooks/{w['vcare_hook']}/resume", {}, [302, 403, 403, 303, 404, 303]),
        ("POST", f"/admin/processors/vcare/webhooks/{w['vcare_hook']}/remove", {}, [302, 403, 403, 303, 404, 303]),
        # A forgotten password: open to everyone, and the same answer for everyone.
        ("GET", "/password/forgot", None, [200] * 6),
        ("POST", "/password/forgot", {"email": ""}, [400] * 6),
        ("GET", "/password/reset/not-a-link", None, [400] * 6),
        ("POST", "/password/reset/not-a-link", {"new_password": "x"}, [400] * 6),
    ]


@pytest.mark.parametrize("actor", ACTORS)
def test_authorisation_matrix(client, users, login, world, actor):
    if actor != "anonymous":
        login(getattr(users, actor))
    wrong = []
    for method, url, data, expected in routes(world):
        want = expected[ACTORS.index(actor)]
        response = client.open(url, method=method, data=data)
        if response.status_code != want:
            wrong.append(f"{method} {url}: {response.status_code}, expected {want}")
        if want == 302 and actor == "anonymous":
            assert "/login" in response.headers["Location"]
    assert wrong == []


def test_a_controller_exports_only_its_own_objections(client, users, login, world):
    login(users.controller_b)
    exported = client.get("/portal/objections.csv").get_data(as_text=True)
    assert exported.splitlines()[0].startswith("reference,") and "OBJ-" not in exported
    client.post("/logout")
    login(users.controller_a)
    assert "OBJ-VCARE-" in client.get("/portal/objections.csv").get_data(as_text=True)


def test_every_protected_route_is_in_an_authorisation_matrix(app, users, world):
    """A new route under /admin, /portal or /account fails here until a matrix says who may use it."""
    adapter = app.url_map.bind("registry.test")
    covered = {adapter.match(url, method=method)[0] for method, url, _data, _expected in routes(world)}
    covered |= {adapter.match(url, method="GET")[0] for url in vcare_routes()}
    protected = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith(("/admin", "/portal", "/account"))
    }
    assert protected - covered == set()
