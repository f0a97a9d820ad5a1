"""Proof of who was told what and when: for the processor's editors, and for a controller its own."""
import csv
import io

from sqlalchemy import select

from registry.extensions import db
from registry.models import CustomerContract, Processor
from registry.services.delivery import deliver

from .test_mail import NOTICE_ADDRESS, publish_add, subscriber


def test_editor_sees_every_message_of_an_announcement_and_downloads_csv(client, users, login, smtp):
    subscriber("=cmd@example.org")
    item = publish_add(users.vcare_editor)
    with smtp(refuse_every=2):
        deliver("test", once=True)
    login(users.vcare_editor)
    page = client.get(f"/admin/processors/vcare/announcements/{item.id}/deliveries").get_data(as_text=True)
    assert NOTICE_ADDRESS in page and "VC-2024-0117" in page and "accepted" in page and "contractual notice" in page
    response = client.get(f"/admin/processors/vcare/announcements/{item.id}/deliveries.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {r["recipient"] for r in rows} == {NOTICE_ADDRESS, "'=cmd@example.org"}
    notice = next(r for r in rows if r["recipient"] == NOTICE_ADDRESS)
    assert notice["status"] == "sent" and notice["accepted_by_mail_server_at"] and notice["queued_at"]
    assert any(int(r["attempts"]) == 2 and "451" in "".join(r.values()) or int(r["attempts"]) == 1 for r in rows)


def test_evidence_is_for_the_own_processor_and_the_own_controller(client, users, login):
    item = publish_add(users.vcare_editor)
    contract = db.session.scalar(select(CustomerContract).where(CustomerContract.reference.like("VC-%")))
    urls = [f"/admin/processors/vcare/announcements/{item.id}/deliveries",
            f"/admin/processors/vcare/announcements/{item.id}/deliveries.csv",
            f"/admin/processors/vcare/contracts/{contract.id}/deliveries",
            f"/admin/processors/vcare/contracts/{contract.id}/deliveries.csv"]
    login(users.vcare_editor)
    assert [client.get(u).status_code for u in urls] == [200, 200, 200, 200]
    assert NOTICE_ADDRESS in client.get(urls[3]).get_data(as_text=True)
    client.post("/logout")
    login(users.vtm_editor)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404, 404]
    assert client.get("/portal/deliveries").status_code == 403
    client.post("/logout")
    login(users.controller_a)  # Huisartsenpraktijk X: its own notice is there
    page = client.get("/portal/deliveries").get_data(as_text=True)
    assert NOTICE_ADDRESS in page and "Vcare: VC-2024-0117" in page
    assert [client.get(u).status_code for u in urls] == [403, 403, 403, 403]
    client.post("/logout")
    login(users.controller_b)  # another organisation sees nothing of it
    assert NOTICE_ADDRESS not in client.get("/portal/deliveries").get_data(as_text=True)
    assert NOTICE_ADDRESS not in client.get("/portal/deliveries.csv").get_data(as_text=True)


def test_anonymous_users_are_sent_to_login(client):
    assert client.get("/portal/deliveries").status_code == 302
