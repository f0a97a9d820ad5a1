"""One preview of a contract import confirmed from several tabs at the same moment: exactly one import, no 500,
and every other tab told there is nothing left to import (real HTTP requests to a threaded server, real commits,
SQLite and PostgreSQL; the Browser and Portal of test_state_races)."""

from __future__ import annotations

import threading
from collections import Counter
from urllib.error import HTTPError
from urllib.request import Request

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import make_server

from registry import create_app
from registry.accounts import users as accounts
from registry.extensions import db
from registry.models import AuditEntry, CustomerContract, Organisation
from registry.subprocessors.seeding import load_seed

from ..conftest import PG_URL, PROJECT, postgres_schema_or_skip
from ..smtp import free_port
from .contract_files import HEADER_NL, dutch_excel, hidden
from .test_state_races import MORNING, PASSWORD, Browser, Portal, _Quiet

TABS = 8
EDITOR = "ed@vcare.example.org"
URL = "/admin/processors/vcare/contracts/import"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def portal(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('contractrace') / 'race.db'}"
    else:
        postgres_schema_or_skip("contractrace")
        url = PG_URL + "?options=-csearch_path%3Dcontractrace"
    port = free_port()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "BASE_URL": f"http://127.0.0.1:{port}",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "DEFAULT_LANGUAGE": "en",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 20},
        }
    )
    with time_machine.travel(MORNING), app.app_context(), app.test_request_context():
        upgrade()
        load_seed(PROJECT / "seed")
        accounts.create_user(EDITOR, "editor", "vcare", PASSWORD, actor="test")
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Portal(app, f"http://127.0.0.1:{port}", request.param)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _upload(browser: Browser, data: bytes) -> str:
    boundary = "----race-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="race.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = Request(
        browser.base + URL, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    try:
        with browser.opener.open(request, timeout=120) as response:
            return response.read().decode()
    except HTTPError as answer:  # pragma: no cover - shown in the assertion
        raise AssertionError(answer.read().decode()[:3000]) from answer


def test_parallel_confirmations_of_one_preview_import_once(portal):
    rows = [f"Praktijk Race {n};RACE-{n};1-{n}-2024;operator;privacy@race-{n}.example;nl" for n in range(1, 6)]
    first = Browser(portal.base).login(EDITOR)
    html = _upload(first, dutch_excel(HEADER_NL, *rows))
    assert "5 contracts to add" in html
    form = {"carried": hidden(html, "carried"), "fingerprint": hidden(html, "fingerprint")}
    tabs = [first] + [Browser(portal.base).login(EDITOR) for _ in range(TABS - 1)]
    answers = portal.race(tabs, URL + "/confirm", form)
    statuses = Counter(answer.status for answer in answers)
    assert statuses == {302: 1, 400: TABS - 1}, (statuses, [a.text[:500] for a in answers if a.status >= 500])
    for answer in answers:
        if answer.status == 400:
            assert "Nothing to import: every contract in the file is stored already as it is." in answer.text
    assert portal.count(select(AuditEntry).filter_by(action="contracts.import")) == 1
    assert portal.count(select(AuditEntry).filter_by(action="contract.create")) == 5
    assert portal.count(select(CustomerContract).where(CustomerContract.reference.like("RACE-%"))) == 5
    assert portal.count(select(Organisation).where(Organisation.name.like("Praktijk Race %"))) == 5
