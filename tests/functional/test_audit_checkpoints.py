"""The audit log can be checked from outside the database (issue 12, finding 2).

The portal signs the log's head at each published event and receipt; `flask audit verify` finds a shortened or
rewritten log and a removed or forged checkpoint, also against a checkpoint kept elsewhere (a file or a URL),
naming the first entry that fails, with exit status 1. The audit tables refuse UPDATE and DELETE themselves.
The attacker here has the database, not the signing key (kept in AUDIT_SIGNING_KEY, see conftest).
"""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.models import AuditEntry

from .announce import ids
from .attacker import disable_audit_guards, run
from .audit_log import KEY_ID, PRIVATE, PUBLIC, ZEROS, Log, signed_bytes
from .portal import NL, processor


@pytest.fixture
def log(app, users):
    found = Log()
    with time_machine.travel(found.now, tick=False):
        yield found


def publish(editor, name: str = "Acme Cloud"):
    """Two entries: the draft, then its publication (which signs the head)."""
    vcare = processor("vcare")
    item = save_draft(
        editor,
        vcare,
        None,
        {
            "kind": "add",
            "service_ids": ids("vcare", "operator"),
            "new_name": name,
            "reason": "Better service",
            "effective_date": log_day() + timedelta(45),
            "locations": NL,
        },
    )
    publication.publish(editor, vcare, item.id)
    return item


def log_day():
    from registry.subprocessors.snapshot import today

    return today()


def verify(runner, *kept: str):
    args = ["audit", "verify"]
    for source in kept:
        args += ["--checkpoint", source]
    return runner.invoke(args=args)


def test_an_intact_log_verifies_and_says_what_it_checked(log, runner):
    head = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert f"Audit log intact: {log.n} entries, head {head}." in result.output
    assert f"signed with key {KEY_ID}, all holding" in result.output


def test_publishing_and_withdrawing_sign_the_head_with_the_key_kept_outside(log, users):
    editor = users.vcare_editor
    vcare = processor("vcare")
    item = save_draft(
        editor,
        vcare,
        None,
        {
            "kind": "add",
            "service_ids": ids("vcare", "operator"),
            "new_name": "Acme Cloud",
            "reason": "Better service",
            "effective_date": log_day() + timedelta(45),
            "locations": NL,
        },
    )
    assert Log.checkpoint(log.m + 1) is None  # a draft is not published: no checkpoint
    publication.publish(editor, vcare, item.id)
    published = Log.checkpoint(log.m + 1)
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert (published.entries, published.head) == (log.n + 2, entries[log.n + 1].hash)
    assert entries[log.n + 1].action == "announcement.publish"
    before = Log.checkpoint(log.m)
    previous = hashlib.sha256(
        signed_bytes(log.m, before.entries, before.head, before.statement()["at"], before.previous)
    ).hexdigest()
    assert (published.previous, published.key_id, published.statement()["at"]) == (previous, KEY_ID, log.stamp)
    PRIVATE.public_key().verify(
        base64.b64decode(published.signature), signed_bytes(log.m + 1, log.n + 2, published.head, log.stamp, previous)
    )
    publication.withdraw(editor, vcare, item.id, "The supplier pulled out.")
    withdrawn = Log.checkpoint(log.m + 2)
    assert (withdrawn.entries, withdrawn.previous) == (log.n + 3, published.digest())


def test_a_day_without_a_checkpoint_gets_one_at_the_next_write_and_from_the_daily_command(app, users, runner):
    from registry.accounts import users as accounts

    log = Log()
    newest = Log.checkpoint(log.m)
    with time_machine.travel(newest.at + timedelta(hours=23, minutes=59), tick=False):
        accounts.create_user("late@vcare.example.org", "editor", "vcare", "a long password", actor="test")
        assert Log.checkpoint(log.m + 1) is None
    with time_machine.travel(newest.at + timedelta(days=1), tick=False):
        accounts.create_user("next@vcare.example.org", "editor", "vcare", "a long password", actor="test")
        assert Log.checkpoint(log.m + 1).entries == log.n + 2
    with time_machine.travel(newest.at + timedelta(days=1, hours=1), tick=False):
        result = runner.invoke(args=["audit", "checkpoint"])
        assert result.output.startswith(f"Already signed: checkpoint #{log.m + 1} ")
        accounts.create_user("third@vcare.example.org", "editor", "vcare", "a long password", actor="test")
        result = runner.invoke(args=["audit", "checkpoint"])
        assert result.exit_code == 0 and result.output.startswith(f"Signed checkpoint #{log.m + 2} of ")
        assert f": {log.n + 3} entries, head " in result.output
    with time_machine.travel(newest.at + timedelta(days=2, hours=1), tick=False):  # a day without writes
        result = runner.invoke(args=["audit", "checkpoint"])
        assert result.output.startswith(f"Signed checkpoint #{log.m + 3} ")
        assert Log.checkpoint(log.m + 3).entries == log.n + 3


def test_deleting_the_tail_is_found_with_the_first_missing_entry(log, users, runner):
    publish(users.vcare_editor)  # entries n+1 (draft), n+2 (publication); checkpoint m+1 covers n+2
    disable_audit_guards()
    run("DELETE FROM audit_entry WHERE id >= :first", first=Log.ids()[log.n])
    result = verify(runner)
    assert result.exit_code == 1
    assert (
        f"entry number {log.n + 1}: missing. The log has {log.n} entries, but checkpoint #{log.m + 1} "
        f"({log.stamp}) signed {log.n + 2}: entries {log.n + 1} to {log.n + 2} were removed"
    ) in result.output
    assert f"the first entry that fails is number {log.n + 1}." in result.output


def test_rewriting_an_entry_and_rehashing_every_later_one_is_found(log, users, runner):
    publish(users.vcare_editor)  # checkpoint m+1 covers n+2
    publish(users.vcare_editor, "Beta Hosting")  # entries n+3, n+4; checkpoint m+2 covers n+4
    ids_ = Log.ids()
    disable_audit_guards()
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    previous = entries[log.n + 1].hash
    for position, entry in enumerate(entries[log.n + 2 :], start=log.n + 3):
        # The attacker knows the algorithm: rewrite entry n+3, then recompute every hash after it.
        forged = AuditEntry(
            at=entry.at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            processor_id=entry.processor_id,
            details=entry.details,
            prev_hash=previous,
            summary="Nothing happened" if position == log.n + 3 else entry.summary,
        )
        previous = forged.compute_hash()
        run(
            "UPDATE audit_entry SET summary = :summary, prev_hash = :prev, hash = :hash WHERE id = :id",
            summary=forged.summary,
            prev=forged.prev_hash,
            hash=previous,
            id=entry.id,
        )
    db.session.expunge_all()
    result = verify(runner)
    assert result.exit_code == 1
    assert "content does not match" not in result.output and "does not follow" not in result.output  # chain is whole
    assert (
        f"entry number {log.n + 3} (id {ids_[log.n + 2]}): from here to entry number {log.n + 4} "
        f"(id {ids_[log.n + 3]}) the log no longer leads to the head checkpoint #{log.m + 2} ({log.stamp}) "
        f"signed"
    ) in result.output
    assert (
        f"one of them was rewritten (entry {log.n + 2}, covered by a checkpoint that holds, is sound)" in result.output
    )
    assert f"the first entry that fails is number {log.n + 3} (id {ids_[log.n + 2]})." in result.output


def test_a_removed_checkpoint_leaves_a_gap(log, users, runner):
    publish(users.vcare_editor)
    publish(users.vcare_editor, "Beta Hosting")
    covered = Log.checkpoint(log.m).entries
    disable_audit_guards()
    run("DELETE FROM audit_checkpoint WHERE sequence = :sequence", sequence=log.m + 1)
    result = verify(runner)
    assert result.exit_code == 1
    assert (
        f"checkpoint #{log.m + 1} missing: the stored checkpoints jump from #{log.m} to #{log.m + 2} (removed)"
        in result.output
    )
    assert f"the first entry that fails is number {covered + 1} " in result.output


def test_a_forged_checkpoint_is_found_by_its_signature(log, users, runner):
    publish(users.vcare_editor)
    publish(users.vcare_editor, "Beta Hosting")
    disable_audit_guards()
    # Hide the second publication: drop its entries and make its checkpoint say the log ends before them.
    run("DELETE FROM audit_entry WHERE id >= :first", first=Log.ids()[log.n + 2])
    run(
        "UPDATE audit_checkpoint SET entries = :entries, head = (SELECT hash FROM audit_entry WHERE id = :last) "
        "WHERE sequence = :sequence",
        entries=log.n + 2,
        last=Log.ids()[log.n + 1],
        sequence=log.m + 2,
    )
    other = base64.b64encode(Ed25519PrivateKey.generate().sign(b"anything")).decode()
    run(
        "UPDATE audit_checkpoint SET signature = :signature WHERE sequence = :sequence",
        signature=other,
        sequence=log.m + 1,
    )
    result = verify(runner)
    assert result.exit_code == 1
    for sequence, entries in ((log.m + 1, log.n + 2), (log.m + 2, log.n + 2)):
        assert (
            f"checkpoint #{sequence} ({log.stamp}, {entries} entries): its signature does not verify with this "
            f"portal's key {KEY_ID}"
        ) in result.output


def test_a_checkpoint_kept_elsewhere_finds_a_log_shortened_with_its_checkpoints(log, users, runner, client, tmp_path):
    publish(users.vcare_editor)
    publish(users.vcare_editor, "Beta Hosting")
    saved = tmp_path / "receipt-checkpoint.json"  # what a controller saved from the receipt's link
    saved.write_bytes(client.get(f"/audit/checkpoints/{log.m + 2}.json").data)
    disable_audit_guards()
    run("DELETE FROM audit_entry WHERE id >= :first", first=Log.ids()[log.n + 2])
    run("DELETE FROM audit_checkpoint WHERE sequence = :sequence", sequence=log.m + 2)
    assert verify(runner).exit_code == 0  # seen from inside, the shortened log is whole
    result = verify(runner, str(saved))
    assert result.exit_code == 1
    assert (
        f"checkpoint #{log.m + 2} kept elsewhere ({log.stamp}, {log.n + 4} entries) is not among the stored "
        "checkpoints: it was removed"
    ) in result.output
    assert (
        f"entry number {log.n + 3}: missing. The log has {log.n + 2} entries, but checkpoint #{log.m + 2} "
        f"({log.stamp}) signed {log.n + 4}: entries {log.n + 3} to {log.n + 4} were removed"
    ) in result.output
    assert f"the first entry that fails is number {log.n + 3}." in result.output


@pytest.fixture
def web_server(tmp_path):
    """A real HTTP server on loopback serving tmp_path (the controller's own copy of the checkpoints)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        """No request log on the test output."""


def test_checkpoints_fetched_from_a_url_find_a_truncated_log(log, users, runner, client, tmp_path, web_server):
    publish(users.vcare_editor)
    (tmp_path / "checkpoints.json").write_bytes(client.get("/audit/checkpoints.json").data)
    result = verify(runner, f"{web_server}/checkpoints.json")
    assert result.exit_code == 0, result.output
    assert f"Checkpoint #{log.m + 1} kept elsewhere ({log.stamp}, {log.n + 2} entries) matches." in result.output
    disable_audit_guards()
    run("DELETE FROM audit_entry WHERE id >= :first", first=Log.ids()[log.n + 1])
    run("DELETE FROM audit_checkpoint WHERE sequence = :sequence", sequence=log.m + 1)
    result = verify(runner, f"{web_server}/checkpoints.json")
    assert result.exit_code == 1
    assert f"checkpoint #{log.m + 1} kept elsewhere ({log.stamp}, {log.n + 2} entries) is not among" in result.output
    assert f"entry number {log.n + 2}: missing. The log has {log.n + 1} entries" in result.output
    assert f"entry {log.n + 2} was removed" in result.output
    assert f"the first entry that fails is number {log.n + 2}." in result.output


def test_a_kept_checkpoint_that_cannot_be_read_is_a_usage_error(log, runner, tmp_path, web_server):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    (tmp_path / "page.json").write_text("<html>not a checkpoint</html>")
    (tmp_path / "other.json").write_text('{"checkpoints": [{"sequence": 1}]}')
    for source, message in (
        (str(tmp_path / "missing.json"), "could not read"),
        (f"http://127.0.0.1:{port}/checkpoints.json", "could not fetch"),
        (f"{web_server}/page.json", "is not JSON"),
        (f"{web_server}/nothing-here.json", "could not fetch"),
        (str(tmp_path / "other.json"), "a checkpoint needs sequence, entries, head"),
    ):
        result = verify(runner, source)
        assert result.exit_code == 2 and message in result.output, (source, result.output)


@pytest.mark.parametrize(
    "statement,operation,table",
    [
        ("UPDATE audit_entry SET summary = 'rewritten'", "UPDATE", "audit_entry"),
        ("DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)", "DELETE", "audit_entry"),
        ("UPDATE audit_checkpoint SET entries = 0", "UPDATE", "audit_checkpoint"),
        ("DELETE FROM audit_checkpoint", "DELETE", "audit_checkpoint"),
        ("TRUNCATE audit_entry CASCADE", "TRUNCATE", "audit_entry"),
        ("TRUNCATE audit_checkpoint", "TRUNCATE", "audit_checkpoint"),
    ],
)
def test_the_database_itself_refuses_to_change_or_remove_audit_rows(app, statement, operation, table):
    if operation == "TRUNCATE" and app.config["BACKEND"] != "postgresql":
        # SQLite has no TRUNCATE; its nearest is a DELETE of the whole table (the truncate optimisation, which
        # SQLite turns off when the table has a DELETE trigger): the guard must refuse that.
        statement, operation = f"DELETE FROM {table}", "DELETE"
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(DatabaseError) as refused:
        with db.session.begin_nested():
            db.session.execute(text(statement))
    assert f"the audit log is append-only: {operation} on {table} refused" in str(refused.value)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_checkpoints_json_publishes_the_key_and_every_checkpoint(log, users, client):
    publish(users.vcare_editor)
    response = client.get("/audit/checkpoints.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    document = response.get_json()
    assert (document["algorithm"], document["key_id"]) == ("Ed25519", KEY_ID)
    assert base64.b64decode(document["public_key"]) == PUBLIC
    published = document["checkpoints"]
    assert [c["sequence"] for c in published] == list(range(1, log.m + 2))
    last = published[-1]
    assert (last["entries"], last["at"]) == (log.n + 2, log.stamp)
    for c in published:  # each verifies with the published key over the bytes described in the document
        PRIVATE.public_key().verify(
            base64.b64decode(c["signature"]),
            signed_bytes(c["sequence"], c["entries"], c["head"], c["at"], c["previous"]),
        )
    for before, after in zip(published, published[1:], strict=False):
        assert (
            after["previous"]
            == hashlib.sha256(
                signed_bytes(before["sequence"], before["entries"], before["head"], before["at"], before["previous"])
            ).hexdigest()
        )
    assert published[0]["previous"] == ZEROS
    again = client.get("/audit/checkpoints.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    one = client.get(f"/audit/checkpoints/{log.m + 1}.json").get_json()
    assert one["checkpoints"] == [last] and one["public_key"] == document["public_key"]
    assert client.get("/audit/checkpoints/99999.json").status_code == 404
