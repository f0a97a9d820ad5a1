"""Property-based: random input to every form and API parameter never gets a 5xx, and a refusal changes nothing."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Announcement, Objection, Subscription

from .portal import announce, contract, objection_url

RANDOM = settings(max_examples=25, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
junk = st.text(max_size=60)
junk_or_number = st.one_of(junk, st.integers(-10**12, 10**12).map(str))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@RANDOM
@given(at=junk, page=junk_or_number, older=junk_or_number, newer=junk_or_number, fmt=junk)
def test_random_query_parameters(client, at, page, older, newer, fmt):
    for url, params in [("/processors/vcare/", {"at": at}), ("/api/v1/processors/vcare", {"at": at}),
                        ("/processors/vcare/registry.csv", {"at": at}), ("/processors/vcare/changes/", {"page": page}),
                        ("/processors/vcare/compare", {"from": older, "to": newer, "format": fmt})]:
        status = client.get(url, query_string=params).status_code
        assert status < 500, (url, params, status)


@RANDOM
@given(email=junk, password=junk, remember=junk)
def test_random_login(client, email, password, remember):
    status = client.post("/login", data={"email": email, "password": password, "remember": remember}).status_code
    assert status in (400, 401), status


@RANDOM
@given(email=junk, language=junk, services=st.lists(junk_or_number, max_size=3))
def test_random_subscription(client, email, language, services):
    before = count(Subscription)
    response = client.post("/processors/vcare/subscribe", data={"email": email, "language": language,
                                                                "service_ids": services})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert count(Subscription) == before


def test_random_objections(client, users, login):
    item = announce(users.vcare_editor)
    vc = contract()
    login(users.controller_a)
    url = objection_url(item, vc)

    @RANDOM
    @given(grounds=junk, services=st.lists(junk_or_number, max_size=3), a_id=junk_or_number, c_id=junk_or_number)
    def run(grounds, services, a_id, c_id):
        before = count(Objection)
        response = client.post(url, data={"grounds": grounds, "service_ids": services, "announcement_id": a_id,
                                          "contract_id": c_id})
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert count(Objection) == before
    run()


def test_random_announcement_drafts(client, users, login):
    login(users.vcare_editor)

    @RANDOM
    @given(kind=junk, name=junk, reason=junk, day=junk, country=junk, basis=junk, urgent=junk,
           services=st.lists(junk_or_number, max_size=3), target=junk_or_number)
    def run(kind, name, reason, day, country, basis, urgent, services, target):
        before = count(Announcement)
        response = client.post("/admin/processors/vcare/announcements/new", data={
            "kind": kind, "new_name": name, "reason": reason, "effective_date": day, "service_ids": services,
            "target_id": target, "entity_id": target, "urgent": urgent, "locations-0-country": country,
            "locations-0-place": name, "locations-0-role": kind, "locations-0-transfer_basis": basis})
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert count(Announcement) == before
    run()


def test_ids_beyond_what_a_database_holds_are_404(client, users, login):
    login(users.controller_a)
    for url in ["/portal/objections/99999999999999/", "/processors/vcare/changes/99999999999999/",
                "/portal/contracts/4294967296/"]:
        assert client.get(url).status_code == 404
    assert client.get("/processors/vcare/changes/", query_string={"page": "¹"}).status_code == 400
    assert client.get("/processors/vcare/compare", query_string={"from": "1", "to": str(10**12)}).status_code == 400
