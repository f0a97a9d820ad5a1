"""Signed registry snapshots: each registry version as canonical JSON (RFC 8785) with a detached Ed25519 signature,
their list, the portal's keys at /.well-known/subprocessor-registry.json, and `registry verify` for a saved copy.

Expected values come from seed/vcare.yaml (Vcare's version 1 is its list as recorded on listed_since, 1 November
2026) and from the fixed clock (Tuesday 1 December 2026, noon in Amsterdam: 11:00 UTC); the form's default
effective date is 60 days later, Saturday 30 January 2027.
"""

import base64
import json

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, update

from registry.extensions import db
from registry.models import Processor, PublishedVersion, RegistryVersion, SubProcessor

from .announce import draft, publish

pytestmark = pytest.mark.usefixtures("clock")
V1 = "/api/v1/processors/vcare/versions/1.json"
# The tests' AUDIT_SIGNING_KEY (tests/conftest.py) is base64 of b"test-audit-signing-key-32-bytes!"; its public half,
# worked out once with cryptography's Ed25519PrivateKey.from_private_bytes(...).public_key():
PUBLIC_KEY = "5Iz2HhlbksA08mJExtwpry62cwrgdk3Dw9RjJCc5tTA="
KEY_ID = "8a85d89c1d55d223"
# seed/vcare.yaml, services: in the file's order.
VCARE_SERVICES = [
    "telefonie",
    "systeem-logging",
    "support-telefonie",
    "support-tickets",
    "netwerkverbindingen",
    "medialogging",
    "operator",
    "number-entry",
    "integrator",
    "call-back",
    "reporter",
    "scheduler",
    "video-connect",
    "sms-service",
    "photo-link",
    "sendi",
    "back-up",
]


def _verified(body: bytes, signature: str, public_key: str = PUBLIC_KEY) -> bool:
    """The check a reader makes with cryptography alone, as in the README's recipe."""
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
    try:
        key.verify(base64.b64decode(signature), body)
    except Exception:
        return False
    return True


def test_version_1_of_a_seeded_processor_is_its_list_as_recorded(client):
    response = client.get(V1)
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.data)
    assert document["schema"] == "subprocessor-registry/registry-version/1"
    assert document["processor"] == {
        "slug": "vcare",
        "name": "Vcare",
        "legal_name": "Vcareconnect B.V.",
        "kvk_number": "06083003",
        "address": "Pantheon 2, 7521 PR Enschede",
    }
    assert (document["version"], document["event"], document["announcement"]) == (1, "initial", None)
    assert document["effective_date"] == "2026-11-01"
    recorded = db.session.scalar(
        select(RegistryVersion.published_at)
        .join(Processor)
        .where(Processor.slug == "vcare", RegistryVersion.number == 1)
    )
    assert document["published_at"] == recorded.strftime("%Y-%m-%dT%H:%M:%SZ")
    terms = document["contract_terms"]
    assert terms["version"] == "Verwerkersovereenkomst Vcareconnect B.V." and terms["effective_from"] == "2026-11-01"
    assert terms["sub_processor_list"]["article"] == "4.1"
    assert terms["sub_processor_list"]["text"].startswith("Opdrachtgever geeft Vcare algemene schriftelijke")
    assert [s["key"] for s in document["services"]] == VCARE_SERVICES
    telefonie = document["services"][0]
    assert telefonie["name"] == "Telefonie diensten"
    # talksome, odido, speakup, sound-of-data, informaxion, cm; sorted by name, case ignored.
    assert [s["name"] for s in telefonie["sub_processors"]] == [
        "CM",
        "Informaxion",
        "Odido",
        "Sound of Data",
        "SpeakUp",
        "Talksome",
    ]
    cm = telefonie["sub_processors"][0]
    assert cm["engaged_from"] == "2026-11-01" and cm["engaged_until"] is None
    assert cm["locations"] == [
        {"country": "NL", "place": None, "role": "processing", "outside_eea": False, "transfer_basis": None,
         "source": "Bijlage B"}
    ]  # fmt: skip
    assert [s["name"] for s in document["services"][1]["sub_processors"]] == ["Digital Realty", "Equinix"]


def test_the_bytes_are_canonical_signed_and_the_same_every_time(client):
    first = client.get(V1)
    body = first.data
    assert rfc8785.dumps(json.loads(body)) == body
    assert (
        first.headers["Link"] == '<http://registry.test/api/v1/processors/vcare/versions/1.json.sig>; rel="signature"'
    )
    signature = client.get(V1 + ".sig")
    assert signature.status_code == 200 and signature.mimetype == "text/plain"
    assert len(base64.b64decode(signature.get_data(as_text=True).strip())) == 64
    assert _verified(body, signature.get_data(as_text=True))
    assert client.get(V1).data == body
    # An edit of a name, by hand, after the version was published: the version's bytes stay as published.
    db.session.execute(update(SubProcessor).where(SubProcessor.key == "cm").values(name="CM.com"))
    db.session.commit()
    assert client.get(V1).data == body
    assert client.get(V1 + ".sig").data == signature.data
    assert client.get(V1, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_one_changed_byte_fails(client):
    body = client.get(V1).data
    signature = client.get(V1 + ".sig").get_data(as_text=True)
    changed = body.replace(b'"Telefonie diensten"', b'"Telefonie dienstem"')
    assert len(changed) == len(body) and changed != body
    assert not _verified(changed, signature)


def test_registry_verify_on_the_command_line(client, runner, tmp_path):
    body = client.get(V1).data
    (tmp_path / "v1.json").write_bytes(body)
    (tmp_path / "v1.json.sig").write_bytes(client.get(V1 + ".sig").data)
    files = [str(tmp_path / "v1.json"), str(tmp_path / "v1.json.sig")]
    result = runner.invoke(args=["registry", "verify", *files])
    assert result.exit_code == 0 and result.output == f"Valid: signed with key {KEY_ID}.\n"
    # With the key saved from .well-known, as someone without the portal's settings has it.
    (tmp_path / "portal.json").write_bytes(client.get("/.well-known/subprocessor-registry.json").data)
    for key in [PUBLIC_KEY, str(tmp_path / "portal.json")]:
        result = runner.invoke(args=["registry", "verify", *files, "--key", key])
        assert result.exit_code == 0, result.output
    (tmp_path / "v1.json").write_bytes(body.replace(b'"version":1', b'"version":2'))
    result = runner.invoke(args=["registry", "verify", *files])
    assert result.exit_code == 1
    assert result.output == (
        f"The signature does not match: the file was changed, or it was signed with another key than {KEY_ID}.\n"
    )
    result = runner.invoke(args=["registry", "verify", *files, "--key", "not a key"])
    assert result.exit_code == 2 and "The key is not base64 of a 32-byte Ed25519 public key." in result.output


def test_the_versions_list_and_unknown_versions(client):
    response = client.get("/api/v1/processors/vcare/versions/")
    assert response.status_code == 200
    listed = response.get_json()
    assert listed["processor"] == "vcare"
    assert [(v["number"], v["event"], v["effective_date"]) for v in listed["versions"]] == [
        (1, "initial", "2026-11-01")
    ]
    assert listed["versions"][0]["url"] == "http://registry.test" + V1
    assert listed["versions"][0]["signature_url"] == "http://registry.test" + V1 + ".sig"
    for url in [
        "/api/v1/processors/vcare/versions/2.json",
        "/api/v1/processors/vcare/versions/2.json.sig",
        "/api/v1/processors/nobody/versions/",
        "/api/v1/processors/nobody/versions/1.json",
    ]:
        missing = client.get(url)
        assert missing.status_code == 404 and missing.mimetype == "application/json", url
        assert missing.get_json()["message"]


def test_a_published_announcement_is_version_2_stored_when_published(client, users, login):
    login(users.vcare_editor)
    item = draft(client, new_name="Acme Cloud", purpose="Transcription", services=("operator",))
    listed = client.get("/api/v1/processors/vcare/versions/").get_json()["versions"]
    assert [v["number"] for v in listed] == [1]  # a draft makes no version
    v1 = client.get(V1).data
    item = publish(client, item)
    stored = db.session.scalar(select(PublishedVersion).where(PublishedVersion.version_id == item.version_id))
    assert stored is not None  # written in the publication's transaction
    client.post("/logout")
    listed = client.get("/api/v1/processors/vcare/versions/").get_json()["versions"]
    assert [(v["number"], v["event"], v["effective_date"]) for v in listed] == [
        (1, "initial", "2026-11-01"),
        (2, "publication", "2027-01-30"),
    ]
    response = client.get("/api/v1/processors/vcare/versions/2.json")
    assert response.data == stored.document
    document = response.get_json()
    assert (document["version"], document["announcement"], document["effective_date"]) == (2, item.number, "2027-01-30")
    assert document["published_at"] == "2026-12-01T11:00:00Z"
    operator = next(s for s in document["services"] if s["key"] == "operator")
    acme = next(s for s in operator["sub_processors"] if s["name"] == "Acme Cloud")
    assert acme["engaged_from"] == "2027-01-30" and acme["purpose"] == "Transcription"
    [where] = acme["locations"]
    assert (where["country"], where["place"], where["role"]) == ("US", "Virginia", "processing")
    assert (where["outside_eea"], where["transfer_basis"]) == (True, "scc")
    assert _verified(response.data, client.get("/api/v1/processors/vcare/versions/2.json.sig").get_data(as_text=True))
    assert client.get(V1).data == v1  # version 2 takes effect later: version 1 is as it was


def test_a_withdrawal_is_a_version_and_the_withdrawn_one_stays_signed(client, users, login):
    login(users.vcare_editor)
    item = publish(client, draft(client, new_name="Acme Cloud", purpose="Transcription", services=("operator",)))
    v2 = client.get("/api/v1/processors/vcare/versions/2.json").data
    withdrawn = client.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "Not now"})
    assert withdrawn.status_code == 302
    client.post("/logout")
    listed = client.get("/api/v1/processors/vcare/versions/").get_json()["versions"]
    # The withdrawal takes effect on the day it is published, Tuesday 1 December 2026.
    assert [(v["number"], v["event"], v["effective_date"], v["withdrawn_in"]) for v in listed] == [
        (1, "initial", "2026-11-01", None),
        (2, "publication", "2027-01-30", 3),
        (3, "withdrawal", "2026-12-01", None),
    ]
    assert client.get("/api/v1/processors/vcare/versions/2.json").data == v2
    v3 = client.get("/api/v1/processors/vcare/versions/3.json").get_json()
    assert (v3["event"], v3["announcement"]) == ("withdrawal", item.number)
    operator = next(s for s in v3["services"] if s["key"] == "operator")
    assert "Acme Cloud" not in [sp["name"] for sp in operator["sub_processors"]]


def test_the_well_known_document(client):
    response = client.get("/.well-known/subprocessor-registry.json")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json()
    assert document["portal"] == "Sub-processor Registry" and document["base_url"] == "http://registry.test"
    [key] = document["keys"]
    assert (key["algorithm"], key["key_id"], key["public_key"]) == ("Ed25519", KEY_ID, PUBLIC_KEY)
    checkpoints = client.get("/audit/checkpoints.json").get_json()
    assert (checkpoints["key_id"], checkpoints["public_key"]) == (KEY_ID, PUBLIC_KEY)
    slugs = [p["slug"] for p in document["processors"]]
    assert {"vcare", "beterdichtbij", "ipvoice", "contict", "vtm"} <= set(slugs)
    vcare = next(p for p in document["processors"] if p["slug"] == "vcare")
    assert vcare == {
        "slug": "vcare",
        "name": "Vcare",
        "legal_name": "Vcareconnect B.V.",
        "registry": "http://registry.test/processors/vcare/",
        "json": "http://registry.test/api/v1/processors/vcare",
        "versions": "http://registry.test/api/v1/processors/vcare/versions/",
        "feeds": {
            "atom": "http://registry.test/processors/vcare/feed.atom",
            "rss": "http://registry.test/processors/vcare/feed.rss",
        },
        "csv": "http://registry.test/processors/vcare/registry.csv",
    }
    for url in [vcare["registry"], vcare["json"], vcare["versions"], *vcare["feeds"].values(), vcare["csv"]]:
        assert client.get(url.removeprefix("http://registry.test")).status_code == 200, url
    assert document["links"]["audit_checkpoints"] == "http://registry.test/audit/checkpoints.json"
    # A schemas link only where the app serves the schemas (never a dead link).
    if "schemas" in document["links"]:
        assert client.get(document["links"]["schemas"].removeprefix("http://registry.test")).status_code == 200


def test_the_first_import_is_version_1_even_when_the_empty_list_was_asked_for_before(client, users, login):
    from .imports import FIRST, confirm_fields, dutch_excel_csv, new_processor, upload
    from .imports import editor as as_editor

    new_processor(users.admin)
    empty = client.get("/api/v1/processors/zorgco/versions/1.json").get_json()
    assert [s["sub_processors"] for s in empty["services"]] == [] and empty["effective_date"] == "2026-12-01"
    as_editor(login, users)
    preview = upload(client, "zorgco", dutch_excel_csv(FIRST)).get_data(as_text=True)
    assert client.post("/admin/processors/zorgco/import/confirm", data=confirm_fields(preview)).status_code == 302
    client.post("/logout")
    imported = client.get("/api/v1/processors/zorgco/versions/1.json").get_json()
    # tests/functional/imports.py FIRST: Agenda (Mailer Inc, Voorbeeld Cloud) and Telefonie (Voorbeeld Cloud).
    assert {s["name"]: [sp["name"] for sp in s["sub_processors"]] for s in imported["services"]} == {
        "Agenda": ["Mailer Inc", "Voorbeeld Cloud"],
        "Telefonie": ["Voorbeeld Cloud"],
    }
    assert [v["number"] for v in client.get("/api/v1/processors/zorgco/versions/").get_json()["versions"]] == [1]
