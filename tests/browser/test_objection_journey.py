"""The main journey in a real browser: object, consult to 'no agreement', give notice, see the end date."""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_date
from sqlalchemy import select

from registry.accounts import users as accounts
from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.law import periods
from registry.models import Processor, Service
from registry.subprocessors.snapshot import today

from .conftest import CONTROLLER, EDITOR, PASSWORD

GROUNDS = (
    "Our patients' recordings would go to a supplier we have never assessed; we need its security "
    "certification before it handles our calls."
)


def publish_vcare_change(app) -> int:
    with app.app_context(), app.test_request_context():
        editor = accounts.authenticate(EDITOR, PASSWORD)
        vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
        operator = db.session.scalar(select(Service).filter_by(processor_id=vcare.id, key="operator"))
        item = save_draft(
            editor,
            vcare,
            None,
            {
                "kind": "add",
                "service_ids": [operator.id],
                "new_name": "Nimbus Speech B.V.",
                "reason": "Speech-to-text for the Operator service",
                "effective_date": today() + timedelta(days=40),
                "locations": [{"country": "NL", "place": "Amsterdam", "role": "processing", "transfer_basis": None}],
            },
        )
        publication.publish(editor, vcare, item.id)
        number = item.number
        db.session.remove()
        return number


def log_in(context, base: str, email: str, language: str = "English"):
    """Log in, then choose the language with the switch in the header (the account keeps it)."""
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label(re.compile("^(E-mail address|E-mailadres)$")).fill(email)
    page.get_by_label(re.compile("^(Password|Wachtwoord)$")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("^(Log in|Inloggen)$")).click()
    page.wait_for_load_state()
    page.locator("form.language").get_by_role("button", name=language).click()
    page.wait_for_load_state()
    return page


def test_object_then_no_agreement_then_notice_of_termination(browser, live_server, shots):
    base = live_server.config["LIVE_URL"]
    number = publish_vcare_change(live_server)

    controller = browser.new_context()
    page = log_in(controller, base, CONTROLLER)
    assert page.url.endswith("/portal/")
    assert page.get_by_text("Changes that need your decision").is_visible()
    shots(page, "dashboard")
    page.get_by_role("link", name=re.compile(rf"^Object to #{number} ")).click()
    assert page.get_by_text("Object to announcement").is_visible()
    page.get_by_label("Your grounds").fill("No.")
    page.get_by_role("button", name="Submit objection").click()
    assert "at least a sentence" in page.content()
    shots(page, "grounds-too-short")
    page.get_by_label("Your grounds").fill(GROUNDS)
    page.get_by_role("button", name="Submit objection").click()
    receipt = page.locator("p.notice").first.inner_text()
    reference = re.search(r"OBJ-VCARE-\d{3}-\d{5}", receipt).group(0)
    assert "Receipt" in receipt
    shots(page, "receipt")
    objection_url = page.url

    editor = browser.new_context()
    desk = log_in(editor, base, EDITOR)
    desk.goto(f"{base}/admin/processors/vcare/objections/")
    desk.get_by_role("link", name=reference).click()
    desk.get_by_label("Your message").fill("Nimbus is ISO 27001 certified; we can send the certificate.")
    desk.get_by_role("button", name="Add message").click()
    desk.get_by_label("No agreement").check()
    desk.get_by_label("Note").fill("We will use Nimbus for every customer of the Operator service.")
    desk.get_by_role("button", name="Record outcome").click()
    assert "Outcome recorded: No agreement" in desk.content()
    shots(desk, "editor-no-agreement")

    page.goto(objection_url)
    end = format_date(periods.termination_end(today(), 1).day, "long", locale="en")  # the page's language
    assert end in page.content() and "ISO 27001" in page.content()
    shots(page, "termination-window")
    page.get_by_label("I give notice of termination of this contract").check()
    page.get_by_role("button", name="Give notice of termination").click()
    notice = page.locator("#termination ~ p.notice").inner_text()
    assert f"ends at the end of {end}" in notice and "art. 4.1" in notice
    shots(page, "notice-given")
    page.goto(f"{base}/portal/")
    assert end in page.content()
    shots(page, "dashboard-after")
    desk.goto(f"{base}/admin/processors/vcare/objections/")
    assert f"notice of termination given, ends {end}" in desk.content()
    shots(desk, "editor-inbox-after")
    controller.close()
    editor.close()
