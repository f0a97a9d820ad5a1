"""Each announcement page, receipt and notice mail carries the signed checkpoint that covers it, in English and
Dutch, with links to save it; the signing key comes from AUDIT_SIGNING_KEY or is generated once in instance/."""

from __future__ import annotations

import base64
import hashlib
import stat

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from registry import config, create_app
from registry.announcements import publication
from registry.cases import objections as objection_service
from registry.cases import terminations
from registry.extensions import db
from registry.models import OutboxMessage

from .audit_log import KEY_ID, Log
from .portal import US, announce, consent_url, contract, objection_form, objection_url, objections, processor

NOTICE = "privacy@huisartsenpraktijk-x.example"
DUTCH = {"Accept-Language": "nl"}


@pytest.fixture
def log(app, users):
    found = Log()
    with time_machine.travel(found.now, tick=False):
        yield found


def mail_to(address: str, kind: str) -> OutboxMessage:
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == address, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())
    )


def on_page(page: str, log: Log, sequence: int, entries: int) -> None:
    """The checkpoint's facts as the page shows them (English)."""
    signed = Log.checkpoint(sequence)
    assert signed.entries == entries
    assert "Signed audit checkpoint" in page
    assert (
        f"Checkpoint #{sequence}, signed with the portal's key, covers the first {entries} entries of the "
        "log, this record included."
    ) in page
    assert signed.head in page and signed.signature in page and KEY_ID in page and log.stamp in page
    assert f'href="/audit/checkpoints/{sequence}.json"' in page and 'href="/audit/checkpoints.json"' in page


def test_the_announcement_page_and_its_notice_mail_carry_the_checkpoint(log, users, client):
    item = announce(users.vcare_editor)
    on_page(client.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True), log, log.m + 1, log.n + 2)
    dutch = client.get(f"/processors/vcare/changes/{item.number}/", headers=DUTCH).get_data(as_text=True)
    assert "Ondertekend controlepunt van het auditlog" in dutch
    assert f"Controlepunt #{log.m + 1}, ondertekend met de sleutel van het portaal, dekt de eerste {log.n + 2}" in dutch
    signed = Log.checkpoint(log.m + 1)
    notice = mail_to(NOTICE, "contract_announcement").body
    assert (
        f"Signed audit checkpoint #{log.m + 1} ({log.stamp}): the portal's audit log held {log.n + 2} entries, "
        "this record included."
    ) in notice.text
    assert f"Last hash (SHA-256): {signed.head}" in notice.text
    assert f"Signature (Ed25519, key {KEY_ID}): {signed.signature}" in notice.text
    assert f"Save it as JSON: http://registry.test/audit/checkpoints/{log.m + 1}.json" in notice.text
    assert f">{signed.signature}</code>" in notice.html  # a <code> with its inline style
    publication.withdraw(users.vcare_editor, processor("vcare"), item.id, "The supplier pulled out.")
    page = client.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True)
    on_page(page, log, log.m + 2, log.n + 3)  # the withdrawal's checkpoint covers the publication too
    assert f"Signed audit checkpoint #{log.m + 2} " in mail_to(NOTICE, "contract_announcement").body.text


def test_a_dutch_notice_mail_carries_the_checkpoint_in_dutch(log, users):
    contract().notice_language = "nl"
    db.session.commit()
    announce(users.vcare_editor)
    text = mail_to(NOTICE, "contract_announcement").body.text
    assert (
        f"Ondertekend controlepunt #{log.m + 1} van het auditlog ({log.stamp}): het auditlog van het portaal "
        f"telde {log.n + 2} vermeldingen, deze vastlegging inbegrepen."
    ) in text
    assert f"Handtekening (Ed25519, sleutel {KEY_ID}): {Log.checkpoint(log.m + 1).signature}" in text


def test_the_objection_receipt_and_the_notice_of_termination_carry_their_checkpoints(log, users, client, login):
    item = announce(users.vcare_editor)  # entries n+1, n+2; checkpoint m+1
    login(users.controller_a)
    response = client.post(objection_url(item, contract()), data=objection_form(item, contract()))
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    on_page(receipt, log, log.m + 2, log.n + 3)  # the objection: entry n+3
    copy = mail_to(NOTICE, "objection").body.text
    assert f"Signed audit checkpoint #{log.m + 2} ({log.stamp}): the portal's audit log held {log.n + 3}" in copy
    made = objections()[0]
    objection_service.record_outcome(
        users.vcare_editor, processor("vcare"), made.id, "no_agreement", "We keep Acme Cloud for everyone."
    )  # entry n+4: no checkpoint of its own
    assert Log.checkpoint(log.m + 3) is None
    terminations.give_notice(users.controller_a, made.id, log.now.date(), True)  # entry n+5
    page = client.get(f"/portal/objections/{made.id}/").get_data(as_text=True)
    on_page(page, log, log.m + 3, log.n + 5)
    assert f"Signed audit checkpoint #{log.m + 3} " in mail_to(NOTICE, "termination").body.text
    dutch = client.get(f"/portal/objections/{made.id}/", headers=DUTCH).get_data(as_text=True)
    assert f"Controlepunt #{log.m + 3}, ondertekend met de sleutel van het portaal" in dutch


def test_the_consent_receipt_carries_its_checkpoint(log, users, client, login):
    item = announce(users.vcare_editor, locations=US)  # Vcare art. 5.3: outside the EEA needs consent
    vc = contract()
    login(users.controller_a)
    response = client.post(
        consent_url(item, vc),
        data={"announcement_id": str(item.id), "contract_id": str(vc.id), "decision": "granted", "note": ""},
    )
    assert response.status_code == 302
    on_page(client.get(response.headers["Location"]).get_data(as_text=True), log, log.m + 2, log.n + 3)
    assert f"Signed audit checkpoint #{log.m + 2} " in mail_to(NOTICE, "consent").body.text


def test_without_a_key_in_the_environment_one_is_generated_once_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIT_SIGNING_KEY")
    first = config.from_environment(tmp_path)
    key_file = tmp_path / "audit_signing_key"
    assert first["AUDIT_SIGNING_KEY_ORIGIN"] == f"{key_file} (generated)"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.b64decode(key_file.read_text())) == 32
    again = config.from_environment(tmp_path)
    assert again["AUDIT_SIGNING_KEY"] == first["AUDIT_SIGNING_KEY"]
    assert again["AUDIT_SIGNING_KEY_ORIGIN"] == str(key_file)


def test_a_pem_key_is_accepted_and_an_unreadable_key_refuses_to_start(tmp_path, monkeypatch):
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    monkeypatch.setenv("AUDIT_SIGNING_KEY", pem)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}", "TESTING": True})
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    with app.app_context():  # the command runs in this app, not in the suite's
        result = app.test_cli_runner().invoke(args=["audit", "key"])
    assert f"Key id:      {hashlib.sha256(raw).hexdigest()[:16]}" in result.output
    assert f"Public key:  {base64.b64encode(raw).decode()}" in result.output
    assert "Private key: from the environment (AUDIT_SIGNING_KEY)" in result.output
    for bad, reason in (("not a key", "not base64"), (base64.b64encode(b"short").decode(), "base64 of 5 bytes")):
        monkeypatch.setenv("AUDIT_SIGNING_KEY", bad)
        with pytest.raises(config.ConfigurationError) as refused:
            create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}", "TESTING": True})
        assert "AUDIT_SIGNING_KEY from the environment (AUDIT_SIGNING_KEY) is not an Ed25519 private key" in str(
            refused.value
        ) and reason in str(refused.value)
