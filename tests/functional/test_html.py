"""Every main page parses as valid HTML5 (html5lib's strict parser stops at the first error)."""

import html5lib
import pytest

from .portal import US, announce, consent_url, contract, objection_form, objection_url, objections


def strict(page: str, url: str) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(page)
    except html5lib.html5parser.ParseError as error:
        line = page.splitlines()[parser.errors[-1][0][0] - 1] if parser.errors else ""
        pytest.fail(f"{url}: {error} near: {line.strip()[:200]}")


def check(client, url, expected=200, method="get", data=None):
    response = getattr(client, method)(url, data=data)
    assert response.status_code == expected, url
    strict(response.get_data(as_text=True), url)


def test_public_pages_are_valid_html(client, users):
    item = announce(users.vcare_editor)
    for url in [
        "/",
        "/processors/vcare/",
        "/processors/vcare/?at=2020-01-01",
        "/processors/vcare/services/operator/",
        "/processors/vcare/changes/",
        f"/processors/vcare/changes/{item.number}/",
        "/processors/vcare/versions/",
        "/processors/vcare/compare?from=1&to=2",
        "/processors/vcare/subscribe",
        "/login",
        "/api/",
    ]:
        check(client, url)
    check(client, "/processors/nope/", 404)
    check(client, "/login", 400, "post", {"email": "", "password": ""})
    check(client, "/processors/vcare/subscribe", 400, "post", {"email": "not an address", "language": "en"})


def test_portal_pages_are_valid_html(client, users, login):
    item = announce(users.vcare_editor)
    consent = announce(users.vcare_editor, locations=US, name="Transfer Cloud")
    login(users.controller_a)
    vc = contract()
    check(client, "/portal/")
    check(client, f"/portal/contracts/{vc.id}/")
    check(client, f"/portal/announcements/{item.id}/")
    check(client, objection_url(item, vc))
    check(client, objection_url(item, vc), 400, "post", objection_form(item, vc, grounds="No."))
    check(client, consent_url(consent, vc))
    check(
        client,
        consent_url(consent, vc),
        400,
        "post",
        {"announcement_id": str(consent.id), "contract_id": str(vc.id), "decision": "maybe", "note": ""},
    )
    client.post(objection_url(item, vc), data=objection_form(item, vc))
    check(client, f"/portal/objections/{objections()[0].id}/")
    check(client, "/portal/deliveries")
    check(client, "/portal/calendar/")
    client.post("/portal/calendar/new")
    check(client, "/portal/calendar/")
    check(client, "/account/password")


def test_admin_pages_are_valid_html(client, users, login):
    item = announce(users.vcare_editor)
    from registry.cases import objections as service
    from registry.subprocessors.snapshot import today

    from .portal import service as service_of

    made = service.submit(
        users.controller_a,
        item.id,
        contract().id,
        "We object to this supplier for our patients' calls.",
        [service_of("vcare", "operator").id],
        today(),
    )
    login(users.vcare_editor)
    for url in [
        "/admin/processors/vcare/",
        "/admin/processors/vcare/announcements/",
        "/admin/processors/vcare/announcements/new",
        f"/admin/processors/vcare/announcements/{item.id}/",
        "/admin/processors/vcare/objections/",
        f"/admin/processors/vcare/objections/{made.id}/",
        "/admin/processors/vcare/audit",
        "/admin/processors/vcare/import",
    ]:
        check(client, url)
    check(client, "/admin/processors/vcare/announcements/new", 400, "post", {"kind": "add"})
    check(client, f"/admin/processors/vcare/objections/{made.id}/outcome", 400, "post", {"outcome": "", "note": ""})
