"""The webhook half of the outbox worker as a separate process (`flask mail send`), with real commits, to a real
HTTPS receiver: killed with SIGKILL while a request is in flight, then started again.

HTTP gives no acknowledgement that could be recorded in the same step as the receiver's processing, so the
delivery in flight at the kill may reach the receiver twice; it does so with the same webhook-id and the same
body, which is how a receiver following Standard Webhooks drops the repeat. Every other event arrives once, none
is lost, and each delivery is recorded as sent once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from registry import create_app
from registry.extensions import db
from registry.models import Processor, WebhookDelivery, WebhookEndpoint
from registry.models.types import utcnow
from registry.subprocessors.seeding import load_seed
from registry.webhooks import events
from registry.webhooks.endpoints import new_secret

from ..conftest import PG_URL, PROJECT, postgres_schema_or_skip
from ..webhook_receiver import Receiver, Script

EVENTS = 12
SLOW = 2  # the third event's answer takes 3 s: the worker is killed while it waits


def _database(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'hooks.db'}"
    postgres_schema_or_skip("webhookworkers")
    return PG_URL + "?options=-csearch_path%3Dwebhookworkers"


def _committed_queue(url: str, endpoint_url: str) -> str:
    """An active endpoint of Vcare with EVENTS deliveries queued, all committed; returns its secret."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BASE_URL": "http://registry.test"})
    with app.app_context(), app.test_request_context():
        upgrade()
        load_seed(PROJECT / "seed")
        vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
        secret = new_secret()
        endpoint = WebhookEndpoint(
            processor_id=vcare.id, url=endpoint_url, secret=secret, status="active", verified_at=utcnow()
        )
        db.session.add(endpoint)
        db.session.flush()
        for n in range(EVENTS):
            events.queue(endpoint, "announcement.published", {"n": n}, f"test:{n}", utcnow())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return secret


def _worker(url: str, ca: Path, *args: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="test",
        BASE_URL="http://registry.test",
        WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
        WEBHOOK_CA_FILE=str(ca),
        WEBHOOK_TIMEOUT="10",
        WEBHOOK_CLAIM_LEASE="1",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "send", *args],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _deliveries(url: str) -> list[tuple[str, str, int]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        rows = db.session.execute(
            select(WebhookDelivery.webhook_id, WebhookDelivery.status, WebhookDelivery.attempts)
        ).all()
        db.session.remove()
        db.engine.dispose()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_request_delivers_each_event_once_more_at_most_under_the_same_id(kind, tmp_path):
    url = _database(kind, tmp_path)
    script = Script(answers=[200] * SLOW + [3.0])
    with Receiver(tmp_path / "tls", script) as receiver:
        secret = _committed_queue(url, receiver.url)
        worker = _worker(url, receiver.ca, "--poll", "0.2")
        deadline = time.monotonic() + 60
        while len(script.received) < SLOW + 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # the third request is in the receiver's hands, its answer not yet sent
        worker.send_signal(signal.SIGKILL)
        worker.communicate()
        at_kill = len(script.received)
        assert at_kill == SLOW + 1, "the kill came too late to test anything"
        recorded = _deliveries(url)
        assert sorted(status for _id, status, _n in recorded).count("sent") == SLOW
        time.sleep(3.5)  # the slow answer goes nowhere, and the dead worker's claim lease (1 s) runs out
        again = _worker(url, receiver.ca, "--once")
        output = again.communicate(timeout=120)[0].decode()
        assert again.returncode == 0, output
        assert "Webhook deliveries and hub notices attempted:" in output
    received = [r["headers"]["webhook-id"] for r in script.received]
    queued = {webhook_id for webhook_id, _status, _n in recorded}
    assert set(received) == queued  # nothing lost
    repeated = {i for i in received if received.count(i) > 1}
    assert len(repeated) == 1 and len(received) == EVENTS + 1  # only the one in flight at the kill, once more
    (again_id,) = repeated
    copies = [r for r in script.received if r["headers"]["webhook-id"] == again_id]
    assert copies[0]["body"] == copies[1]["body"]
    for record in script.received:  # every attempt signed, each with its own timestamp
        Webhook(secret).verify(record["body"], record["headers"])
    assert sorted(s for _i, s, _n in _deliveries(url)) == ["sent"] * EVENTS


def test_two_workers_at_once_on_postgresql_send_each_delivery_once(tmp_path):
    url = _database("postgresql", tmp_path)
    script = Script(answers=[0.05] * EVENTS)  # each answer takes a moment, so that both workers are busy
    with Receiver(tmp_path / "tls", script) as receiver:
        _committed_queue(url, receiver.url)
        workers = [_worker(url, receiver.ca, "--once", "--batch", "2") for _ in range(2)]
        outputs = [w.communicate(timeout=120)[0].decode() for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    done = [int(re.search(r"attempted: (\d+)", o).group(1)) if "attempted" in o else 0 for o in outputs]
    assert sum(done) == EVENTS and all(n > 0 for n in done), outputs  # both did work
    received = [r["headers"]["webhook-id"] for r in script.received]
    assert len(received) == len(set(received)) == EVENTS  # each once, none lost
    assert sorted(s for _i, s, _n in _deliveries(url)) == ["sent"] * EVENTS
