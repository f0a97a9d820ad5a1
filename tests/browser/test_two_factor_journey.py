"""Two-factor sign-in in a real browser: an editor where 2FA is required is sent to set it up, scans (here: reads)
the key, confirms with a code, keeps the recovery codes, and logs in again with a code and with a recovery code;
axe-core finds no WCAG 2.1 A/AA violations on the way.

The live server runs on the real clock, so the codes are worked out with pyotp from the key the page shows at the
moment they are typed."""

from __future__ import annotations

import re
import time

import pyotp

from registry.accounts import users as accounts

from .conftest import PASSWORD
from .test_accessibility import violations

EMAIL = "two-factor@vcare.example"


def password_step(context, base: str):
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def test_an_editor_sets_up_two_factor_sign_in_and_logs_in_with_it(browser, live_server, shots):
    base = live_server.config["LIVE_URL"]
    with live_server.app_context():
        accounts.create_user(EMAIL, "editor", "vcare", PASSWORD, actor="test")
    live_server.config["REQUIRE_2FA"] = True
    try:
        context = browser.new_context(locale="en-GB")
        page = password_step(context, base)
        assert page.url == f"{base}/account/2fa/setup"
        assert page.get_by_text("Site admins and processor editors must use two-factor sign-in").is_visible()
        assert page.locator(".qr-code svg").is_visible()
        shots(page, "set-up")
        found = violations(page)
        page.goto(f"{base}/admin/")
        assert page.url == f"{base}/account/2fa/setup"  # nothing else until it is on
        secret = page.locator("#secret").inner_text().replace(" ", "")
        page.get_by_label("Code from your authenticator app").fill(
            "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
        )
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        assert "That code is not right." in page.content()
        shots(page, "wrong-code")
        found += violations(page)
        page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page.content())
        assert len(set(codes)) == 10 and page.get_by_text("They are shown only now.").is_visible()
        shots(page, "recovery-codes")
        found += violations(page)
        page.goto(f"{base}/admin/")
        assert page.url == f"{base}/admin/processors/vcare/"
        page.locator("header").get_by_role("button", name="Log out").click()
        context.close()

        # With a code of the next 30 seconds (the one used to turn it on cannot be used again).
        context = browser.new_context(locale="en-GB")
        page = password_step(context, base)
        assert page.url == f"{base}/login/2fa"
        shots(page, "code-asked")
        found += violations(page)
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(
            pyotp.TOTP(secret).at(time.time() + 30)
        )
        page.get_by_role("button", name="Log in").last.click()
        page.wait_for_load_state()
        assert page.url == f"{base}/admin/processors/vcare/"
        shots(page, "logged-in")
        context.close()

        # With a recovery code, which then is spent.
        context = browser.new_context(locale="en-GB")
        page = password_step(context, base)
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(codes[0])
        page.get_by_role("button", name="Log in").last.click()
        page.wait_for_load_state()
        assert page.url == f"{base}/admin/processors/vcare/"
        page.goto(f"{base}/account/2fa")
        assert page.get_by_text("9 unused recovery codes are left.").is_visible()
        shots(page, "two-factor-status")
        found += violations(page)
        assert found == []  # axe-core: no WCAG 2.1 A/AA violations on the pages of two-factor sign-in
        context.close()
    finally:
        live_server.config["REQUIRE_2FA"] = False
