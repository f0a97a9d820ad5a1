"""A registry page printed in chromium is a clean annex: what it is, for which day, from where; no navigation."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "locale,annex",
    [
        ("nl-NL", "Bijlage: de subverwerkers van BeterDichtbij B.V."),
        ("en-GB", "Annex: the sub-processors of BeterDichtbij B.V."),
    ],
)
def test_a_printed_registry_is_a_clean_annex(browser, live_server, shots, tmp_path, locale, annex):
    base = live_server.config["LIVE_URL"]
    page = browser.new_context(locale=locale).new_page()
    page.goto(f"{base}/processors/beterdichtbij/?at=2026-11-01")
    assert not page.locator(".annex-head").is_visible()  # on screen the page has its own heading and links
    page.emulate_media(media="print")
    head = page.locator(".annex-head")
    assert head.is_visible() and annex in head.inner_text()
    assert "/processors/beterdichtbij/?at=2026-11-01" in head.inner_text()
    for hidden in ("header.site", "section.feeds", "form.at", "footer.site"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1").is_visible() and "BeterDichtbij" in page.locator("h1").inner_text()
    assert page.locator("table").first.is_visible()
    shots(page, f"annex-{locale}")
    pdf = tmp_path / "annex.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 10_000
