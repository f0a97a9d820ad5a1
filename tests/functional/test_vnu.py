"""The Nu Html Checker (the W3C's validator, vnu-jar from the npm registry) over every main page in both languages.

`.ci/vnu` fetches the pinned jar into .cache/vnu (make test calls it); $VNU_JAR points at another one. Without
java or the jar the test is skipped with the reason; under CI=true it fails instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import ON_CI, PROJECT
from .portal import announce, consent_url, contract, objection_url, objections
from .portal import service as service_of

# The pinned version, from the script that fetches it.
VNU_VERSION = re.search(r"VNU_VERSION:-([0-9.]+)", (PROJECT / ".ci/vnu").read_text()).group(1)
LANGUAGES = {"en": {"Accept-Language": "en"}, "nl": {"Accept-Language": "nl"}}


def vnu_command() -> list[str]:
    jar = Path(os.environ.get("VNU_JAR") or PROJECT / f".cache/vnu/{VNU_VERSION}/package/build/dist/vnu.jar")
    java = shutil.which("java")
    reason = None
    if java is None:
        reason = "no java on this machine (install Debian's default-jre-headless)"
    elif not jar.is_file():
        reason = f"no vnu.jar at {jar} (run .ci/vnu, which fetches vnu-jar@{VNU_VERSION} from the npm registry)"
    if reason:
        if ON_CI:
            pytest.fail(f"CI=true requires the Nu Html Checker: {reason}")
        pytest.skip(reason)
    return [java, "-Xss4m", "-jar", str(jar), "--errors-only", "--format", "json"]


def nu_errors(files: list[Path]) -> list[str]:
    """One JVM run over all files: each error as 'file:line: message'."""
    done = subprocess.run([*vnu_command(), *map(str, files)], capture_output=True, text=True, timeout=300)
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')} ({m.get('extract', '').strip()})"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def save(client, folder: Path, name: str, url: str, headers: dict) -> Path:
    response = client.get(url, headers=headers, follow_redirects=True)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    target = folder / f"{name}.html"
    target.write_bytes(response.get_data())
    return target


def test_every_main_page_passes_the_nu_html_checker(app, client, users, login, tmp_path, monkeypatch):
    vnu_command()
    from registry.webhooks import endpoints
    from registry.webhooks.owners import Owner

    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
    from registry.extensions import db
    from registry.models import Subscription

    from .portal import processor

    subscriber = Subscription(processor_id=processor("vcare").id, email="dpo@example.org", status="confirmed")
    db.session.add(subscriber)
    db.session.commit()
    subscriber_hook = endpoints.register(None, Owner(subscription=subscriber), "https://127.0.0.1:9/s")
    hook = endpoints.register(
        users.controller_a, Owner(organisation=users.controller_a.organisation), "https://127.0.0.1:9/hook?a=1&b=2"
    )
    item = announce(users.vcare_editor)
    consent = announce(
        users.vcare_editor,
        locations=[dict(country="US", place="Virginia", role="processing", transfer_basis="scc")],
        name="Transfer Cloud",
    )
    from registry.cases import objections as cases
    from registry.subprocessors.snapshot import today

    vc = contract()
    cases.submit(
        users.controller_a,
        item.id,
        vc.id,
        "We object to this supplier for our patients' calls.",
        [service_of("vcare", "operator").id],
        today(),
    )
    objection = objections()[0]
    public = {
        "index": "/",
        "registry": "/processors/vcare/",
        "registry-then": "/processors/vcare/?at=2020-01-01",
        "service": "/processors/vcare/services/operator/",
        "changes": "/processors/vcare/changes/",
        "announcement": f"/processors/vcare/changes/{item.id}/",
        "versions": "/processors/vcare/versions/",
        "compare": "/processors/vcare/compare?from=1&to=2",
        "subscribe": "/processors/vcare/subscribe",
        "login": "/login",
        "api": "/api/",
        "forgot": "/password/forgot",
        "subscriber-webhooks": f"/subscriptions/{subscriber.token}/webhooks/",
        "subscriber-webhook": f"/subscriptions/{subscriber.token}/webhooks/{subscriber_hook.id}",
    }
    portal = {
        "portal": "/portal/",
        "contract": f"/portal/contracts/{vc.id}/",
        "respond": f"/portal/announcements/{item.id}/",
        "objection-form": objection_url(item, vc),
        "consent-form": consent_url(consent, vc),
        "objection": f"/portal/objections/{objection.id}/",
        "deliveries": "/portal/deliveries",
        "colleagues": "/portal/colleagues/",
        "webhooks": "/portal/webhooks/",
        "webhook": f"/portal/webhooks/{hook.id}",
        "password": "/account/password",
        "2fa": "/account/2fa",
    }
    admin = {
        "admin": "/admin/processors/vcare/",
        "announcements": "/admin/processors/vcare/announcements/",
        "announcement-new": "/admin/processors/vcare/announcements/new",
        "announcement-admin": f"/admin/processors/vcare/announcements/{item.id}/",
        "objections": "/admin/processors/vcare/objections/",
        "objection-admin": f"/admin/processors/vcare/objections/{objection.id}/",
        "users": "/admin/processors/vcare/users/",
        "tokens": "/admin/processors/vcare/tokens/",
        "webhooks-admin": "/admin/processors/vcare/webhooks/",
        "import": "/admin/processors/vcare/import",
        "contract-import": "/admin/processors/vcare/contracts/import",
        "contract-new": "/admin/processors/vcare/contracts/new",
        "profile": "/admin/processors/vcare/profile",
        "audit": "/admin/processors/vcare/audit",
    }
    site = {"site-admin": "/admin/", "processor-new": "/admin/processors/new"}
    files = []
    for who, pages in [(None, public), (users.controller_a, portal), (users.vcare_editor, admin), (users.admin, site)]:
        if who is not None:
            login(who)
        for code, headers in LANGUAGES.items():
            files += [save(client, tmp_path, f"{code}-{name}", url, headers) for name, url in pages.items()]
    found = nu_errors(files)
    assert found == [], "\n".join(found)
