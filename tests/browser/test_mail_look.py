"""Every kind of mail, as chromium shows its HTML part on a phone (375 px) and a desktop (800 px): nothing wider
than the screen, the text at a readable size, the button on screen; screenshots kept as test artefacts."""

from __future__ import annotations

import pytest

from ..functional.mail_journey import every_kind

pytestmark = pytest.mark.usefixtures("clock")


def looks(page) -> dict:
    return page.evaluate(
        """() => {
        const button = document.querySelector('a.button').getBoundingClientRect();
        const main = getComputedStyle(document.querySelector('td.main'));
        return {width: document.documentElement.scrollWidth, font: parseFloat(main.fontSize),
                button: [button.left, button.right], sheet: document.querySelector('table.sheet').offsetWidth};
    }"""
    )


def test_every_mail_reads_on_a_phone_and_on_a_desktop(browser, app, users, shots):
    # How a mail looks does not depend on the database: each backend's run takes one language (nothing skipped).
    language = "en" if app.config["BACKEND"] == "sqlite" else "nl"
    journey = every_kind(users, language)
    page = browser.new_page()
    seen = set()
    for step, mails in journey.mail.items():
        for recipient, message in mails:
            html = message.get_body(("html",)).get_content()
            audience = recipient.split("@")[0]  # the subscriber, the notice address, the controller, the editor
            if (step, audience) in seen:
                continue
            seen.add((step, audience))
            for width in (375, 800):
                page.set_viewport_size({"width": width, "height": 900})
                page.set_content(html)
                found = looks(page)
                where = f"{step} to {recipient} at {width} px"
                assert found["width"] <= width, where  # no sideways scrolling
                assert found["font"] >= 16, where
                assert 0 <= found["button"][0] < found["button"][1] <= width, where
                assert found["sheet"] <= 602, where  # at most 600 px and its border
                shots(page, f"{language}-{width}-{step.replace(', ', '-').replace(' ', '-')}-{audience}")
    page.close()
