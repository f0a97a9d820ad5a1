"""axe-core in Debian's chromium over every main page: zero violations of the WCAG 2.1 A and AA rules."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.mail import subscriptions
from registry.models import CustomerContract, Processor, Subscription

from .conftest import CONTROLLER, EDITOR
from .test_objection_journey import log_in, publish_vcare_change

WORDS = {
    "en-GB": {
        "email": "E-mail address",
        "subscribe": "Subscribe",
        "object": r"^Object to #",
        "grounds": "Your grounds",
        "submit": "Submit objection",
        "save": "Save draft and preview",
    },
    "nl-NL": {
        "email": "E-mailadres",
        "subscribe": "Aanmelden",
        "object": r"^Bezwaar maken tegen #",
        "grounds": "Uw gronden",
        "submit": "Bezwaar indienen",
        "save": "Concept opslaan en voorbeeld tonen",
    },
}
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="module")
def announced(live_server):
    return publish_vcare_change(live_server)


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=WCAG)
    found = []
    for v in result.response["violations"]:
        targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        found.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return found


def audit(page, url: str, shots, name: str, before=None) -> list[str]:
    page.goto(url)
    if before:
        before(page)
    shots(page, name)
    return [f"{url}: {v}" for v in violations(page)]


@pytest.mark.parametrize("locale", list(WORDS))
def test_public_pages_have_no_wcag_violations(browser, live_server, announced, shots, locale):
    words = WORDS[locale]
    base = live_server.config["LIVE_URL"]
    page = browser.new_context(locale=locale).new_page()
    found = []
    for name, path in [
        ("index", "/"),
        ("registry", "/processors/vcare/"),
        ("service", "/processors/vcare/services/operator/"),
        ("changes", "/processors/vcare/changes/"),
        ("subscribe", "/processors/vcare/subscribe"),
        ("login", "/login"),
    ]:
        found += audit(page, base + path, shots, name)
    page.goto(base + "/processors/vcare/changes/")
    page.locator("main a[href*='/changes/']").last.click()
    shots(page, "announcement")
    found += [f"announcement: {v}" for v in violations(page)]

    def bad_subscription(p):
        p.get_by_label(words["email"]).fill("not an address")
        p.locator("main").get_by_role("button", name=words["subscribe"]).click()

    found += audit(page, base + "/processors/vcare/subscribe", shots, "subscribe-errors", bad_subscription)
    found += audit(page, base + confirmation_path(live_server, f"a11y-{locale.lower()}@example.org"), shots, "confirm")
    assert found == []


def confirmation_path(app, email: str) -> str:
    """The page a subscription's mailed confirmation link opens."""
    with app.app_context():
        vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
        subscriptions.subscribe(vcare, email, "en", [])
        sub = db.session.scalar(select(Subscription).filter_by(email=email))
        path = f"/subscriptions/confirm/{subscriptions.confirmation_token(sub)}"
        db.session.remove()
    return path


def first_vcare_contract(app) -> int:
    with app.app_context():
        contract_id = db.session.scalar(select(CustomerContract.id).join(Processor).where(Processor.slug == "vcare"))
        db.session.remove()
    return contract_id


@pytest.mark.parametrize("locale", list(WORDS))
def test_portal_and_admin_pages_have_no_wcag_violations(browser, live_server, announced, shots, locale):
    words = WORDS[locale]
    base = live_server.config["LIVE_URL"]
    language = "Nederlands" if locale.startswith("nl") else "English"
    controller = log_in(browser.new_context(locale=locale), base, CONTROLLER, language)
    found = audit(controller, base + "/portal/", shots, "portal")

    def bad_objection(p):
        p.get_by_role("link", name=re.compile(words["object"])).first.click()
        p.get_by_label(words["grounds"]).fill("No.")
        p.get_by_role("button", name=words["submit"]).click()

    found += audit(controller, base + "/portal/", shots, "objection-errors", bad_objection)
    editor = log_in(browser.new_context(locale=locale), base, EDITOR, language)
    found += audit(editor, base + "/admin/processors/vcare/", shots, "admin")
    found += audit(editor, base + "/admin/processors/vcare/announcements/new", shots, "announcement-kind")
    found += audit(editor, base + "/admin/processors/vcare/announcements/new?kind=add", shots, "announcement-form")

    def bad_announcement(p):
        p.get_by_role("button", name=words["save"]).click()

    found += audit(
        editor,
        base + "/admin/processors/vcare/announcements/new?kind=add",
        shots,
        "announcement-form-errors",
        bad_announcement,
    )
    found += audit(editor, base + "/admin/processors/vcare/objections/", shots, "objections-inbox")
    found += audit(editor, base + "/admin/processors/vcare/contracts/new", shots, "contract-form")
    found += audit(
        editor,
        base + f"/admin/processors/vcare/contracts/{first_vcare_contract(live_server)}/edit",
        shots,
        "contract-edit-form",
    )
    assert found == []
