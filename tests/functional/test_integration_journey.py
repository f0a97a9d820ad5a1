"""What issue 16's "done" asks, end to end as its users do it, against the portal as it runs (`flask run` and the
outbox worker `flask mail send`, real processes on a fresh SQLite instance) and a real HTTPS receiver:

a controller user registers its endpoint and makes a calendar address; a processor's editor makes a token, with
which a script drafts (retried under the same Idempotency-Key: one draft) and publishes a change; the controller's
endpoint receives it signed (checked with the standardwebhooks package) and its calendar shows the day it takes
effect; anyone verifies the published registry version with `flask registry verify`, and a changed byte fails.

Real time, not a fixed clock (the processes run on their own): the effective date is 60 days on, beyond every
seeded notice period (at most 30 days, Vcare's policy)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from ..conftest import PROJECT
from ..smtp import free_port
from ..webhook_receiver import Receiver

PASSWORD = "Kl8#vQ2m-Pz4x!Rt"


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path).read().decode()

    def post(self, path: str, data: dict, form_page: str | None = None):
        page = self.get(form_page or path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        return self.opener.open(urllib.request.Request(self.base + path, data=body))


def readonly(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}" type="text" readonly value="([^"]+)"', page).group(1)


@pytest.fixture
def portal(tmp_path):
    """A fresh portal with the seed and demo data, serving on a free port, with its worker, and a receiver."""
    port = free_port()
    with Receiver(tmp_path / "tls") as receiver:
        env = dict(
            os.environ,
            REGISTRY_INSTANCE_PATH=str(tmp_path / "instance"),
            DATABASE_URL=f"sqlite:///{tmp_path / 'registry.db'}",
            BASE_URL=f"http://127.0.0.1:{port}",
            SECRET_KEY="journey-" + "k" * 40,
            WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
            WEBHOOK_CA_FILE=str(receiver.ca),
        )
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]

        def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
            done = subprocess.run(flask + list(args), cwd=PROJECT, env=env, capture_output=True, text=True, **kwargs)
            assert done.returncode == 0 or kwargs.get("check") is False, done.stdout + done.stderr
            return done

        run("db", "upgrade")
        run("seed")
        demo = run("demo").stdout
        controller = re.search(r"controller\s+(\S+)\s+(\S+)", demo).groups()
        run("users", "create", "ci@vcare.example.org", "--role", "editor", "--org", "vcare", input=f"{PASSWORD}\n" * 2)
        server = subprocess.Popen(flask + ["run", "--port", str(port)], cwd=PROJECT, env=env, stderr=subprocess.PIPE)
        worker = subprocess.Popen(flask + ["mail", "send", "--poll", "0.5"], cwd=PROJECT, env=env)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(env["BASE_URL"] + "/", timeout=1)
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the portal did not start"
                    time.sleep(0.2)
            yield env["BASE_URL"], controller, receiver, run
        finally:
            server.terminate()
            worker.terminate()
            server.communicate(timeout=10)
            worker.communicate(timeout=10)


def wait_for(found, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not (result := found()):
        assert time.monotonic() < deadline, "nothing arrived in time"
        time.sleep(0.2)
    return result


def test_a_change_published_from_a_script_reaches_the_controller_signed_and_verifiable(portal, tmp_path):
    base, (controller, password), receiver, run = portal
    effective = (date.today() + timedelta(days=60)).isoformat()

    # The controller registers its endpoint (verified by the worker) and makes its calendar address.
    them = Browser(base)
    them.post("/login", {"email": controller, "password": password})
    answer = them.post("/portal/webhooks/", {"url": receiver.url, "description": "Contract system"})
    secret = readonly(answer.read().decode(), "webhook-secret")
    endpoint = answer.geturl()
    # Verified once its page no longer offers to send the verification message again.
    wait_for(lambda: "/verify" not in them.get(endpoint.removeprefix(base)))
    them.post("/portal/calendar/new", {}, "/portal/calendar/")
    calendar = readonly(them.get("/portal/calendar/"), "calendar-address")

    # The processor's editor makes a token; a script drafts and publishes with it.
    editor = Browser(base)
    editor.post("/login", {"email": "ci@vcare.example.org", "password": PASSWORD})
    page = editor.post("/admin/processors/vcare/tokens/", {"name": "CI", "scopes": ["draft", "publish"], "days": "30"})
    token = readonly(page.read().decode(), "new-token")
    api = f"{base}/api/v1/processors/vcare"

    def call(path: str, body: dict | None, key: str) -> tuple[int, dict]:
        request = urllib.request.Request(
            api + path,
            method="POST",
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
        )
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())

    draft = {
        "kind": "add",
        "services": ["operator"],
        "new_name": "Acme Cloud",
        "locations": [{"country": "NL", "place": "Amsterdam", "role": "processing", "transfer_basis": None}],
        "reason": "Transcription of recorded calls",
        "effective_date": effective,
    }
    status, made = call("/announcements", draft, "job-1-draft")
    again, repeat = call("/announcements", draft, "job-1-draft")
    assert (status, again) == (201, 201) and repeat["announcement"]["id"] == made["announcement"]["id"]
    status, published = call(f"/announcements/{made['announcement']['id']}/publish", None, "job-1-publish")
    assert status == 200

    # The controller's endpoint receives it, signed.
    (event,) = wait_for(receiver.script.events)
    body = Webhook(secret).verify(event["body"], event["headers"])
    assert body["type"] == "announcement.published"
    assert body["data"]["announcement"]["effective_date"] == effective
    assert body["data"]["contracts"][0]["reference"] == "VC-2024-0117 (telefonie en Operator)"

    # Its calendar shows the day the change takes effect.
    ics = urllib.request.urlopen(calendar).read().decode()
    assert f"DTSTART;VALUE=DATE:{effective.replace('-', '')}" in ics

    # Anyone verifies the published registry version; a changed byte fails.
    versions = json.loads(urllib.request.urlopen(api + "/versions/").read())["versions"]
    newest = versions[0] if versions[0]["event"] == "publication" else versions[-1]
    document, signature = tmp_path / "v.json", tmp_path / "v.json.sig"
    document.write_bytes(urllib.request.urlopen(newest["url"]).read())
    signature.write_bytes(urllib.request.urlopen(newest["signature_url"]).read())
    assert "Acme Cloud" in document.read_text()
    assert run("registry", "verify", str(document), str(signature)).returncode == 0
    document.write_bytes(document.read_bytes().replace(b"Acme Cloud", b"Acme Cloue"))
    assert run("registry", "verify", str(document), str(signature), check=False).returncode != 0
