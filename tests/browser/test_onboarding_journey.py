"""A processor that is not in seed/ gets in from the browser alone: the site admin adds it and invites its first
editor; the editor accepts from the mail, turns on two-factor sign-in, imports its list of sub-processors from a
spreadsheet as Dutch Excel saves it, writes its contract terms, adds a customer contract and invites the customer's
privacy officer, who accepts from the mail and sees the contract on the portal. A screenshot of every step.

The links are read from the mails the portal queued (the outbox), as the invitees would click them."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from registry.accounts import users as accounts
from registry.extensions import db
from registry.models import Engagement, OutboxMessage, Processor, SubProcessor

from .conftest import PASSWORD
from .test_accessibility import violations

ADMIN = "journey-admin@registry.example"
EDITOR = "privacy@zorgwolk.example"
OFFICER = "fg@tandartsen-oost.example"
NEW_PASSWORD = "seven otters juggle 42 plums"
# As Dutch Excel saves "CSV UTF-8": a BOM, semicolons, CRLF, Dutch headers and country names.
LIST = (
    "\ufeffDienst;Subverwerker;Juridische naam;Doel;Land;Plaats;Rol;Doorgiftegrondslag;"
    "Verwerkersovereenkomst aanwezig;Subverwerker van;Bron\r\n"
    "Zorgwolk Dossier;Nimbus Hosting;Nimbus Hosting B.V.;Hosting van de dossiers;Nederland;Amsterdam;processing;;ja;;"
    "Bijlage 2\r\n"
    "Zorgwolk Dossier;Mailbode;Mailbode GmbH;Versturen van e-mail;Duitsland;Frankfurt;processing;;ja;;Bijlage 2\r\n"
    "Zorgwolk Afspraken;Nimbus Hosting;Nimbus Hosting B.V.;Hosting van de dossiers;Nederland;Amsterdam;processing;;"
    "ja;;Bijlage 2\r\n"
).encode("utf-8")


def link(app, recipient: str, path: str) -> str:
    """The link to `path` in the newest mail to `recipient`."""
    with app.app_context():
        query = select(OutboxMessage).filter_by(recipient=recipient).order_by(OutboxMessage.id.desc())
        body = db.session.scalars(query).first().body.text
        db.session.remove()
    return re.search(rf"(http://127\.0\.0\.1:\d+{path}\S+)", body).group(1)


def submit(page, name: str):
    page.locator("main").get_by_role("button", name=name).click()
    page.wait_for_load_state()


def log_in(context, base: str, email: str, password: str):
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    submit(page, "Log in")
    return page


def test_a_new_processor_gets_in_fills_its_registry_and_brings_its_customer(browser, live_server, shots, tmp_path):
    app, base = live_server, live_server.config["LIVE_URL"]
    with app.app_context():
        accounts.create_user(ADMIN, "admin", None, PASSWORD, actor="test")
        db.session.remove()
    found = []

    # 1. The site admin adds the processor and invites its first editor.
    admin = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = log_in(admin, base, ADMIN, PASSWORD)
    page.goto(f"{base}/admin/processors/new")
    page.fill("[name=name]", "Zorgwolk")
    page.fill("[name=legal_name]", "Zorgwolk B.V.")
    page.fill("[name=kvk_number]", "12345678")
    page.fill("[name=address]", "Stationsplein 1\n3511 ED Utrecht")
    page.fill("[name=first_editor]", EDITOR)
    shots(page, "admin-new-processor")
    submit(page, "Add the processor")
    assert page.url == f"{base}/admin/processors/zorgwolk/"
    page.goto(f"{base}/admin/processors/zorgwolk/users/")
    assert EDITOR in page.content() and "pending" in page.content()
    shots(page, "admin-invitation-pending")
    found += violations(page)
    admin.close()

    # 2. The editor accepts from the mail and chooses a password; 3. turns on two-factor sign-in.
    editor = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = editor.new_page()
    page.goto(link(app, EDITOR, "/invitations/"))
    assert "Zorgwolk" in page.content()
    page.fill("[name=new_password]", NEW_PASSWORD)
    page.fill("[name=repeat_password]", NEW_PASSWORD)
    shots(page, "editor-accepts")
    found += violations(page)
    page.locator("main button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/admin/" in page.url
    page.goto(f"{base}/account/2fa/setup")
    secret = page.locator("#secret").inner_text().replace(" ", "")
    shots(page, "editor-2fa-setup")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    submit(page, "Turn on two-factor sign-in")
    assert len(set(re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page.content()))) == 10
    shots(page, "editor-recovery-codes")
    page.locator("header").get_by_role("button", name="Log out").click()
    editor.close()
    editor = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = log_in(editor, base, EDITOR, NEW_PASSWORD)
    assert page.url.startswith(f"{base}/login/2fa")
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        pyotp.TOTP(secret).at(time.time() + 30)
    )
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_load_state()
    assert page.url == f"{base}/admin/processors/zorgwolk/"

    # 4. The editor imports its list from the spreadsheet: a preview first, then the registry as first recorded.
    sheet = tmp_path / "subverwerkers.csv"
    sheet.write_bytes(LIST)
    page.goto(f"{base}/admin/processors/zorgwolk/import")
    page.set_input_files("input[type=file]", str(sheet))
    submit(page, "Preview")
    assert "Nimbus Hosting" in page.content() and "Mailbode" in page.content()
    shots(page, "editor-import-preview")
    found += violations(page)
    submit(page, "Import this list")
    with app.app_context():
        zorgwolk = db.session.scalar(select(Processor).filter_by(slug="zorgwolk"))
        names = db.session.scalars(select(SubProcessor.name).filter_by(processor_id=zorgwolk.id)).all()
        engagements = db.session.scalars(select(Engagement).filter_by(processor_id=zorgwolk.id)).all()
        assert sorted(names) == ["Mailbode", "Nimbus Hosting"] and len(engagements) == 3
        db.session.remove()
    page.goto(f"{base}/processors/zorgwolk/")
    assert "Nimbus Hosting" in page.content() and "Mailbode" in page.content()
    shots(page, "public-registry-after-import")

    # 5. Its contract terms, then a customer contract.
    page.goto(f"{base}/admin/processors/zorgwolk/terms/new")
    page.fill("[name=version]", "Verwerkersovereenkomst Zorgwolk 2026")
    page.fill("[name=effective_from]", "2026-01-01")
    page.fill("[name=notice_days]", "30")
    page.fill("[name=notice_article]", "4.1")
    shots(page, "editor-terms")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/terms/" not in page.url, page.locator("main").inner_text()
    page.goto(f"{base}/admin/processors/zorgwolk/contracts/new")
    page.fill("[name=organisation_name]", "Tandartsen Oost")
    page.fill("[name=reference]", "ZW-2026-001")
    page.fill("[name=start_date]", "2026-02-01")
    page.locator("[name=service_ids]").first.check()
    page.fill("[name=notice_email]", "privacy@tandartsen-oost.example")
    shots(page, "editor-contract")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "ZW-2026-001" in page.content(), page.locator("main").inner_text()

    # 6. The customer's privacy officer is invited from the contract's page.
    page.get_by_role("link", name=re.compile("ZW-2026-001")).first.click()
    page.wait_for_load_state()
    page.fill("form[action$='/invite'] [name=email]", OFFICER)
    page.locator("form[action$='/invite'] button[type=submit]").click()
    page.wait_for_load_state()
    assert OFFICER in page.content()
    shots(page, "editor-invites-customer")
    found += violations(page)
    editor.close()

    # 7. The privacy officer accepts from the mail and sees the contract on the portal.
    officer = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 800})
    page = officer.new_page()
    page.goto(link(app, OFFICER, "/invitations/"))
    assert "Tandartsen Oost" in page.content()
    page.fill("[name=new_password]", NEW_PASSWORD)
    page.fill("[name=repeat_password]", NEW_PASSWORD)
    shots(page, "customer-accepts")
    page.locator("main button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.url == f"{base}/portal/"
    assert "ZW-2026-001" in page.content() and "Zorgwolk" in page.content()
    shots(page, "customer-dashboard")
    found += violations(page)
    officer.close()
    assert found == []  # axe-core: no WCAG 2.1 A/AA violations on the pages of the journey
