"""The registry page's overview in Debian's chromium: the filter works without JavaScript and keeps itself in the
URL; at 375 px and 1280 px nothing below the site header is wider than the window (the tables scroll in regions
of their own); axe-core finds nothing with a filter refused. Screenshots kept under test-artifacts/."""

from __future__ import annotations

import pytest

from .test_accessibility import violations

# Elements that stick out of the window, outside a scrolling region and outside the site header (whose own
# layout on phones is a separate piece of work): a list of "tag.class right-edge".
STICKING_OUT = """(width) => {
  const out = [];
  for (const e of document.querySelectorAll('main *')) {
    if (e.closest('.table-scroll')) continue;
    const right = e.getBoundingClientRect().right;
    if (right > width + 1) out.push(e.tagName + '.' + e.className + ' ' + Math.round(right));
  }
  return out;
}"""
COUNT = {"en-GB": "2 of 19 sub-processors.", "nl-NL": "2 van 19 subverwerkers."}


@pytest.mark.parametrize("locale", list(COUNT))
def test_the_filter_works_without_javascript(browser, live_server, shots, locale):
    base = live_server.config["LIVE_URL"]
    context = browser.new_context(locale=locale, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/processors/vcare/?at=2026-11-30")
    page.select_option("#f-service", "sendi")
    page.click("form.filter button[type=submit]")
    assert page.url == f"{base}/processors/vcare/?at=2026-11-30&service=sendi&country=&eea=all&name="
    assert page.locator("p.count").inner_text() == COUNT[locale]
    assert page.locator("details#svc-sendi").get_attribute("open") is not None
    shots(page, f"filtered-{locale}")
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("locale", list(COUNT))
def test_nothing_sticks_out_of_the_window(browser, live_server, shots, locale, width):
    base = live_server.config["LIVE_URL"]
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    for name, url in [
        ("registry", "/processors/vcare/"),
        ("refused", "/processors/vcare/?service=nope&country=US&eea=maybe&name=e"),
        ("service", "/processors/vcare/services/operator/"),
        ("onward", "/processors/vtm/?eea=outside"),
    ]:
        page.goto(base + url)
        assert page.evaluate(STICKING_OUT, width) == [], url
        for region in page.locator(".table-scroll").all():
            assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
            assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
        shots(page, f"{name}-{locale}-{width}")
    context.close()


def test_a_refused_filter_has_no_wcag_violations(browser, live_server, shots):
    base = live_server.config["LIVE_URL"]
    page = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 900}).new_page()
    page.goto(f"{base}/processors/vcare/?service=nope&country=US&eea=maybe&name=" + "x" * 300)
    assert page.locator("#f-name-error").is_visible()
    shots(page, "refused-axe")
    assert violations(page) == []


def test_printed_the_collapsed_services_are_shown(browser, live_server):
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(live_server.config["LIVE_URL"] + "/processors/vcare/")
    sendi = page.locator("details#svc-sendi table")
    assert not sendi.is_visible()  # collapsed on screen
    page.emulate_media(media="print")
    assert sendi.is_visible() and not page.locator("form.filter").is_visible()
