"""Mail: queued with the event, delivered by the worker over real SMTP, exactly once, with proof.

On a fixed clock (1 December 2026, noon in Amsterdam): announcements take effect 45 days later, 15 January 2027.
"""

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import time_machine
from sqlalchemy import select

from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.audit import trail as audit
from registry.extensions import db
from registry.mail.delivery import deliver
from registry.models import Announcement, OutboxMessage, Processor, Subscription
from registry.subprocessors.snapshot import today

from .announce import ids

NOTICE_ADDRESS = "privacy@huisartsenpraktijk-x.example"
pytestmark = pytest.mark.usefixtures("clock")


def vcare():
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


def subscriber(email, services=(), status="confirmed", language="en"):
    sub = Subscription(
        processor_id=vcare().id, email=email, status=status, language=language, all_services=not services
    )
    if services:
        from registry.models import Service

        sub.services = list(db.session.scalars(select(Service).where(Service.id.in_(ids("vcare", *services)))))
    db.session.add(sub)
    db.session.commit()
    return sub


def publish_add(editor, name="Acme Cloud", services=("operator",)):
    data = {
        "kind": "add",
        "service_ids": ids("vcare", *services),
        "new_name": name,
        "reason": "Better service",
        "effective_date": today() + timedelta(days=45),
        "locations": [{"country": "US", "place": "Virginia", "role": "processing", "transfer_basis": "scc"}],
    }
    item = save_draft(editor, vcare(), None, data)
    publication.publish(editor, vcare(), item.id)
    return db.session.get(Announcement, item.id)


def outbox(**filters):
    return list(db.session.scalars(select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)))


def test_publishing_queues_contract_announcements_and_subscriber_mail(app, users):
    subscriber("all@example.org")
    subscriber("operator@example.org", services=("operator",))
    subscriber("sendi@example.org", services=("sendi",))
    subscriber("pending@example.org", status="pending")
    subscriber(NOTICE_ADDRESS)  # also the contract's notice address: told once, as the contract
    item = publish_add(users.vcare_editor)
    rows = outbox(announcement_id=item.id)
    assert sorted(m.recipient for m in rows) == sorted([NOTICE_ADDRESS, "all@example.org", "operator@example.org"])
    notice_mail = next(m for m in rows if m.recipient == NOTICE_ADDRESS)
    assert notice_mail.kind == "contract_announcement" and notice_mail.contract_id is not None
    # Vcare 5.3: outside the EEA only with consent; consent has no deadline, the change waits for it.
    assert (
        "There is no deadline: the change does not apply to your services until you grant consent."
        in notice_mail.body.text
    )
    assert "Notice: 30 days (the processor's policy, not in the contract)" in notice_mail.body.text
    assert all(m.message_id.endswith("@registry.test>") for m in rows)


def test_contract_announcements_go_out_without_any_subscriber(app, users):
    item = publish_add(users.vcare_editor)
    assert [m.recipient for m in outbox(announcement_id=item.id)] == [NOTICE_ADDRESS]


def test_a_withdrawal_is_mailed_too(app, users):
    subscriber("all@example.org")
    item = publish_add(users.vcare_editor)
    publication.withdraw(users.vcare_editor, vcare(), item.id, "Supplier failed our review")
    withdrawals = [m for m in outbox(announcement_id=item.id) if ":withdrawal:" in m.dedupe_key]
    assert sorted(m.recipient for m in withdrawals) == sorted([NOTICE_ADDRESS, "all@example.org"])
    assert withdrawals[0].body.subject.startswith("Withdrawn: ")


def test_a_publish_whose_transaction_fails_queues_nothing(app, users, monkeypatch):
    subscriber("all@example.org")
    data = {
        "kind": "add",
        "service_ids": ids("vcare", "operator"),
        "new_name": "Acme",
        "reason": "x",
        "effective_date": today() + timedelta(days=45),
        "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
    }
    item = save_draft(users.vcare_editor, vcare(), None, data)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(RuntimeError):
        publication.publish(users.vcare_editor, vcare(), item.id)
    db.session.rollback()
    assert outbox() == []
    assert db.session.get(Announcement, item.id).status == "draft"


def test_the_worker_delivers_over_one_connection_with_the_rfc_8058_headers(app, users, smtp):
    subscriber("all@example.org", language="nl")
    item = publish_add(users.vcare_editor)
    with smtp() as server:
        report = deliver("test", once=True)
    assert report.sent == 2 and report.failed == 0
    copies = server.handler.received_by()
    dutch = copies["all@example.org"][0]
    assert dutch["List-Unsubscribe"].startswith("<http://registry.test/subscriptions/")
    assert dutch["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Ingangsdatum" in dutch.get_body(("plain",)).get_content()
    assert "<html" in dutch.get_body(("html",)).get_content()
    stored = {m.recipient: m for m in outbox(announcement_id=item.id)}
    assert dutch["Message-ID"] == stored["all@example.org"].message_id
    assert all(m.status == "sent" and m.sent_at is not None for m in stored.values())
    notice = copies[NOTICE_ADDRESS][0]
    assert "List-Unsubscribe" not in notice  # a contractual announcement is not a list mail


def test_a_misbehaving_server_still_gets_exactly_one_copy_per_recipient(app, users, smtp):
    addresses = [f"s{n}@example.org" for n in range(30)]
    for address in addresses:
        subscriber(address)
    publish_add(users.vcare_editor)
    with smtp(refuse_every=3, drop_every=7) as server:
        report = deliver("test", once=True)
    copies = server.handler.received_by()
    # 31 messages. The server answers 451 to every 3rd DATA and drops the connection at every 7th: the n-th DATA is
    # accepted unless 3 or 7 divides n, so the 31st acceptance is DATA number 53 (53 - 17 - 7 + 2 = 31), after 22
    # refused or dropped ones. Each of those is retried; none is lost and none is accepted twice.
    assert (server.handler.seen, len(server.handler.messages)) == (53, 31)
    assert set(copies) == set(addresses) | {NOTICE_ADDRESS} and all(len(c) == 1 for c in copies.values())
    assert report.sent == 31 and report.failed == 0 and report.retried >= 22
    rows = outbox()
    assert {m.status for m in rows} == {"sent"}
    assert sum(m.attempts for m in rows) == 31 + report.retried
    assert {c[0]["Message-ID"] for c in copies.values()} == {m.message_id for m in rows}


def test_a_permanent_refusal_is_recorded(app, users, smtp):
    subscriber("gone@example.org")
    publish_add(users.vcare_editor)
    with smtp(reject_to="gone@example.org"):
        report = deliver("test", once=True)
    failed = outbox(recipient="gone@example.org")[0]
    assert report.failed == 1 and failed.status == "failed" and failed.last_error.startswith("550")


def test_a_server_that_refuses_connections_gets_the_message_later_once(app, users, smtp):
    publish_add(users.vcare_editor)
    with smtp() as server:
        # Nothing listens on port 1: the connection is refused. Retried after MAIL_RETRY_BASE seconds.
        app.config.update(MAIL_PORT=1, MAIL_RETRY_BASE=60)
        report = deliver("test", once=True)
        [message] = outbox()
        noon = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
        assert (report.sent, report.retried, message.status, message.attempts) == (0, 1, "queued", 1)
        assert (message.queued_at, message.next_attempt_at) == (noon, noon + timedelta(seconds=60))
        app.config.update(MAIL_PORT=server.port)
        assert deliver("test", once=True).sent == 0  # not due yet: nothing is sent early
        with time_machine.travel(noon + timedelta(seconds=61), tick=False):
            report = deliver("test", once=True)
    db.session.expire_all()
    [message] = outbox()
    assert report.sent == 1 and (message.status, message.attempts) == ("sent", 2)
    assert [m["To"] for m in server.handler.messages] == [NOTICE_ADDRESS]


def test_without_a_mail_server_mail_is_written_to_files(app, users, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    publish_add(users.vcare_editor)
    report = deliver("test", once=True)
    files = list((tmp_path / "mail").glob("*.eml"))
    assert report.sent == 1 and len(files) == 1
    written = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert written["To"] == NOTICE_ADDRESS and written["Message-ID"] == outbox()[0].message_id
    assert written["Subject"].startswith("Vcare adds Acme Cloud for Operator")
    assert outbox()[0].status == "sent"


def test_mail_send_command_once(app, runner, users, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    publish_add(users.vcare_editor)
    result = runner.invoke(args=["mail", "send", "--once"])
    assert result.exit_code == 0 and "Sent 1, to retry 0, failed 0." in result.output


def test_a_line_break_in_user_text_cannot_add_a_mail_header(app, users):
    from registry.exceptions import DomainError

    with pytest.raises(DomainError, match="without line breaks"):
        publish_add(users.vcare_editor, name="Acme\r\nBcc: spy@example.org")
    db.session.rollback()
    assert outbox() == []


def test_a_subject_is_one_line_whatever_the_names_hold(app, users, smtp):
    subscriber("all@example.org")
    item = publish_add(users.vcare_editor, name="Acme Cloud")
    service = item.services[0]
    service.name = "Operator\r\nBcc: spy@example.org"  # an old name stored before the checks existed
    db.session.commit()
    publication.withdraw(users.vcare_editor, vcare(), item.id, "Withdrawn for the test")
    with smtp() as server:
        report = deliver("test", once=True)
    assert report.failed == 0
    # Publication and withdrawal, each to the contract's notice address and to the subscriber.
    assert sorted(m["To"] for m in server.handler.messages) == sorted([NOTICE_ADDRESS, "all@example.org"] * 2)
    for message in server.handler.messages:
        assert message["Bcc"] is None and "\n" not in message["Subject"]
    assert not any("spy@example.org" in rcpt for m in server.handler.messages for rcpt in m.get_all("To", []))
