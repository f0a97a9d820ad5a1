"""Every portal and objection route × anonymous, controller A, controller B, the processor's editor,
another processor's editor and the site admin."""
import pytest

from registry.services import consents, objections
from registry.services.snapshot import today

from .portal import GROUNDS, US, announce, contract, objection_form, service

ACTORS = ["anonymous", "controller_a", "controller_b", "vcare_editor", "vtm_editor", "admin"]


@pytest.fixture
def world(users):
    objected = announce(users.vcare_editor, name="Objected Cloud")
    open_one = announce(users.vcare_editor, name="Open Cloud")
    consented = announce(users.vcare_editor, locations=US, name="Refused Cloud")
    pending = announce(users.vcare_editor, locations=US, name="Pending Cloud")
    vc = contract()
    operator = service("vcare", "operator").id
    made = objections.submit(users.controller_a, objected.id, vc.id, GROUNDS, [operator], today())
    decision = consents.decide(users.controller_a, consented.id, vc.id, "refused",
                               "We do not allow transfers to the United States.")
    return dict(o=made.id, d=decision.id, c=vc.id, a=objected.id, open=open_one, pending=pending.id,
                open_form=objection_form(open_one, vc))


def routes(w):
    """(method, url, data, expected status per actor in ACTORS order)."""
    c, o = w["c"], w["o"]
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
        ("POST", f"/portal/contracts/{c}/announcements/{w['pending']}/consent",
         {"announcement_id": str(w["pending"]), "contract_id": str(c), "decision": "maybe"},
         [302, 400, 404, 403, 403, 403]),
        ("POST", f"/portal/contracts/{c}/announcements/{w['open'].id}/objection", w["open_form"],
         [302, 302, 404, 403, 403, 403]),
        ("GET", "/admin/processors/vcare/objections/", None, admin_own),
        ("GET", f"/admin/processors/vcare/objections/{o}/", None, admin_own),
        ("GET", f"/admin/processors/vtm/objections/{o}/", None, [302, 403, 403, 404, 404, 404]),
        ("POST", f"/admin/processors/vcare/objections/{o}/messages", {"body": "An answer"},
         [302, 403, 403, 302, 404, 302]),
        ("POST", f"/admin/processors/vcare/objections/{o}/outcome", {"outcome": "", "note": ""},
         [302, 403, 403, 400, 404, 400]),
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
