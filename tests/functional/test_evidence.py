"""Proof of who was told what and when: for the processor's editors, and for a controller its own."""

import csv
import io

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.mail.delivery import deliver
from registry.models import CustomerContract

from ..html import table_rows
from .test_mail import NOTICE_ADDRESS, publish_add, subscriber

pytestmark = pytest.mark.usefixtures("clock")  # queued and sent at noon in Amsterdam on 1 December 2026
AT = "2026-12-01T11:00:00+00:00"


def test_editor_sees_every_message_of_an_announcement_and_downloads_csv(client, users, login, smtp):
    subscriber("=cmd@example.org")
    item = publish_add(users.vcare_editor)
    # The contract notice is queued first and accepted; the server refuses every second message once (451), so
    # the subscriber's copy goes out on its second attempt.
    with smtp(refuse_every=2) as server:
        report = deliver("test", once=True)
    assert (report.sent, report.retried, report.failed) == (2, 1, 0) and len(server.handler.messages) == 2
    login(users.vcare_editor)
    page = client.get(f"/admin/processors/vcare/announcements/{item.id}/deliveries").get_data(as_text=True)
    rows = table_rows(page, f"Every message about announcement #{item.number}")
    assert [r[:7] for r in rows] == [  # recipient, kind, contract, queued, attempts, status, accepted
        [
            NOTICE_ADDRESS,
            "contractual announcement",
            "VC-2024-0117 (telefonie en Operator) (Huisartsenpraktijk X)",
            "2026-12-01 11:00:00",
            "1",
            "accepted",
            "2026-12-01 11:00:00",
        ],
        ["=cmd@example.org", "subscriber mail", "", "2026-12-01 11:00:00", "2", "accepted", "2026-12-01 11:00:00"],
    ]
    assert rows[0][7] == "" and rows[1][7].startswith("451") and "4.3.0 Try again later" in rows[1][7]
    response = client.get(f"/admin/processors/vcare/announcements/{item.id}/deliveries.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [
        (
            r["recipient"],
            r["kind"],
            r["attempts"],
            r["status"],
            r["queued_at"],
            r["accepted_by_mail_server_at"],
            r["last_error"][:3],
        )
        for r in rows
    ] == [
        (NOTICE_ADDRESS, "contract_announcement", "1", "sent", AT, AT, ""),
        ("'=cmd@example.org", "announcement", "2", "sent", AT, AT, "451"),
    ]


def test_evidence_is_for_the_own_processor_and_the_own_controller(client, users, login):
    item = publish_add(users.vcare_editor)
    contract = db.session.scalar(select(CustomerContract).where(CustomerContract.reference.like("VC-%")))
    urls = [
        f"/admin/processors/vcare/announcements/{item.id}/deliveries",
        f"/admin/processors/vcare/announcements/{item.id}/deliveries.csv",
        f"/admin/processors/vcare/contracts/{contract.id}/deliveries",
        f"/admin/processors/vcare/contracts/{contract.id}/deliveries.csv",
    ]
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
    assert NOTICE_ADDRESS in client.get("/portal/deliveries.csv").get_data(as_text=True)
    assert [client.get(u).status_code for u in urls] == [403, 403, 403, 403]
    client.post("/logout")
    login(users.controller_b)  # another organisation sees nothing of it
    assert NOTICE_ADDRESS not in client.get("/portal/deliveries").get_data(as_text=True)
    assert NOTICE_ADDRESS not in client.get("/portal/deliveries.csv").get_data(as_text=True)


def test_anonymous_users_are_sent_to_login(client):
    assert client.get("/portal/deliveries").status_code == 302
