"""The mail worker as a separate process: killed mid-batch, and two at once on PostgreSQL (real commits)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from registry import create_app
from registry.accounts import users as accounts
from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.models import OutboxMessage, Processor, Service, Subscription
from registry.subprocessors.seeding import load_seed
from registry.subprocessors.snapshot import today

from ..conftest import PG_URL, PROJECT, postgres_schema_or_skip
from ..smtp import Recorder, SmtpServer

RECIPIENTS = 40
ADDRESSES = {f"s{n}@example.org" for n in range(RECIPIENTS)}


def _database(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'mail.db'}"
    postgres_schema_or_skip("mailworkers")
    return PG_URL + "?options=-csearch_path%3Dmailworkers"


def _committed_queue(url: str) -> None:
    """A database with an announcement published to RECIPIENTS subscribers, all committed."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "BASE_URL": "http://registry.test",
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        load_seed(PROJECT / "seed")
        editor = accounts.create_user("ed@vcare.example.org", "editor", "vcare", "a long password", actor="test")
        vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
        for n in range(RECIPIENTS):
            db.session.add(Subscription(processor_id=vcare.id, email=f"s{n}@example.org", status="confirmed"))
        db.session.commit()
        service = db.session.scalar(select(Service).filter_by(processor_id=vcare.id, key="operator"))
        item = save_draft(
            editor,
            vcare,
            None,
            {
                "kind": "add",
                "service_ids": [service.id],
                "new_name": "Acme",
                "reason": "Tests",
                "effective_date": today() + timedelta(days=45),
                "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
            },
        )
        publication.publish(editor, vcare, item.id)
        db.session.remove()
        db.engine.dispose()


def _worker(url: str, port: int, *args: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
        MAIL_RETRY_BASE="0",
        MAIL_CLAIM_LEASE="1",
        SECRET_KEY="test",
        BASE_URL="http://registry.test",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "send", *args],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _statuses(url: str) -> dict[str, int]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage.status)).all()
        db.session.remove()
        db.engine.dispose()
    return {status: rows.count(status) for status in set(rows)}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_batch_loses_nothing(kind, tmp_path):
    url = _database(kind, tmp_path)
    _committed_queue(url)
    with SmtpServer(Recorder(delay=0.05)) as server:
        worker = _worker(url, server.port, "--batch", "100", "--poll", "0.2")
        deadline = time.monotonic() + 60
        while len(server.handler.messages) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)
        worker.communicate()
        time.sleep(0.2)  # a DATA the server had in hand when the worker died is accepted (or not) by now
        at_kill = len(server.handler.messages)
        assert 0 < at_kill < RECIPIENTS, "the kill came too late to test anything"
        recorded = _statuses(url)
        # Nothing is recorded as sent that the server did not accept; at most the message in flight was accepted
        # and not yet recorded.
        assert at_kill - 1 <= recorded.get("sent", 0) <= at_kill, (at_kill, recorded)
        assert sum(recorded.values()) == RECIPIENTS and recorded.get("failed", 0) == 0
        if kind == "postgresql":
            # Claimed by advisory locks, which went with the dead worker's connection: no row says
            # 'sending', and the next worker need not wait for a lease to run out.
            assert "sending" not in recorded
        else:
            time.sleep(1.2)  # the dead worker's claim lease runs out
        again = _worker(url, server.port, "--once")
        output = again.communicate(timeout=120)[0].decode()
        assert again.returncode == 0, output
    copies = server.handler.received_by()
    assert set(copies) == ADDRESSES  # every subscriber got it: nothing lost
    # A second copy only of a message accepted but not yet recorded at the kill, and then of that one alone.
    assert len(server.handler.messages) == RECIPIENTS + at_kill - recorded.get("sent", 0)
    repeated = {to: msgs for to, msgs in copies.items() if len(msgs) > 1}
    assert len(repeated) <= 1, repeated.keys()  # at most the message in flight at the kill
    for msgs in repeated.values():
        assert len(msgs) == 2 and msgs[0]["Message-ID"] == msgs[1]["Message-ID"]
    assert _statuses(url) == {"sent": RECIPIENTS}


def test_two_workers_at_once_on_postgresql_send_each_message_once(tmp_path):
    url = _database("postgresql", tmp_path)
    _committed_queue(url)
    with SmtpServer(Recorder(delay=0.01)) as server:
        workers = [_worker(url, server.port, "--once", "--batch", "5") for _ in range(2)]
        outputs = [w.communicate(timeout=120)[0].decode() for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    copies = server.handler.received_by()
    assert set(copies) == ADDRESSES and all(len(m) == 1 for m in copies.values())
    sent = [int(o.split("Sent ")[1].split(",")[0]) for o in outputs]
    assert sum(sent) == RECIPIENTS and all(n > 0 for n in sent), outputs  # both did work
    assert _statuses(url) == {"sent": RECIPIENTS}


def test_no_message_goes_out_before_the_previous_one_is_recorded(tmp_path, monkeypatch):
    """On PostgreSQL a 'sent' mark is committed while the next message's envelope goes out; if it fails,
    the next message's DATA is never sent, so a repeat stays limited to one message."""
    from registry.mail import delivery
    from registry.mail import outcomes as marks

    url = _database("postgresql", tmp_path)
    _committed_queue(url)
    # The prepared 'sent' statement fails in the database (division by zero), as a lost mark would.
    monkeypatch.setattr(marks, "SENT_ON_POSTGRESQL", b"SELECT 1 / ($1::int - $1::int)")
    with SmtpServer(Recorder()) as server:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": server.port,
                "BASE_URL": "http://registry.test",
            }
        )
        with app.app_context():
            with pytest.raises(marks.MarkFailed, match="division by zero"):
                delivery.deliver("test", once=True, own_connection=True)
            db.session.remove()
            db.engine.dispose()
        delivered = len(server.handler.messages)
    assert delivered == 1  # the first message; the second stopped before its DATA
    assert _statuses(url) == {"queued": RECIPIENTS}  # nothing recorded as sent that was not
