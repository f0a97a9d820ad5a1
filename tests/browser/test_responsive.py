"""Every main page on a phone (375 px), a tablet (768 px) and a desktop (1280 px), in English and Dutch.

At each width: the document does not scroll sideways, every link and button of the header lies inside the viewport
and is reached by Tab, and axe-core finds no WCAG 2.1 A/AA violation. A full-page screenshot per page, width and
language is kept under test-artifacts/, with the page heights in heights.txt beside them.
"""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Announcement, Processor

from .conftest import CONTROLLER, EDITOR, serving
from .test_accessibility import violations
from .test_objection_journey import log_in, publish_vcare_change

WIDTHS = {375: 812, 768: 1024, 1280: 900}
LANGUAGES = {"en-GB": "English", "nl-NL": "Nederlands"}
PUBLIC = {
    "index": "/",
    "registry": "/processors/vcare/",
    "service": "/processors/vcare/services/operator/",
    "changes": "/processors/vcare/changes/",
    "announcement": "{public_announcement}",
    "versions": "/processors/vcare/versions/",
    "compare": "/processors/vcare/compare?from=1&to=2",
    "subscribe": "/processors/vcare/subscribe",
    "login": "/login",
    "forgot": "/password/forgot",
}
PORTAL = {
    "portal": "/portal/",
    "contract": "{contract}",
    "respond": "/portal/announcements/{announcement_id}/",
    "objection-form": "{objection_form}",
    "deliveries": "/portal/deliveries",
    "colleagues": "/portal/colleagues/",
    "password": "/account/password",
    "2fa": "/account/2fa",
}
ADMIN = {
    "admin": "/admin/processors/vcare/",
    "announcements": "/admin/processors/vcare/announcements/",
    "announcement-form": "/admin/processors/vcare/announcements/new",
    "objections": "/admin/processors/vcare/objections/",
    "users": "/admin/processors/vcare/users/",
    "import": "/admin/processors/vcare/import",
    "contract-import": "/admin/processors/vcare/contracts/import",
    "profile": "/admin/processors/vcare/profile",
}
# Every link and button of the header: where it is, whether it shows, and the focus order from the skip link.
HEADER = """() => {
  const items = [...document.querySelectorAll('header.site a, header.site button')];
  return items.map((el, i) => {
    el.dataset.headerItem = i;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return {i, text: el.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            shown: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'};
  });
}"""
# The outermost elements that stick out on the right, to name in a failure.
WIDER = """() => [...document.body.querySelectorAll('*')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5
                && el.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
  .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                         + ' ' + el.textContent.trim().slice(0, 40))"""
SIZES = """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                 height: document.documentElement.scrollHeight, lang: document.documentElement.lang})"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server of this module's own: the pages show the seed and one announcement, whatever other modules did."""
    with serving(tmp_path_factory) as app:
        yield app


@pytest.fixture(scope="module")
def places(live_server):
    """The announcement published for the test and the controller's pages that belong to it."""
    number = publish_vcare_change(live_server)
    with live_server.app_context():
        vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
        found = db.session.scalar(select(Announcement).filter_by(processor_id=vcare.id, number=number))
        announcement_id = found.id
        db.session.remove()
    return {"announcement_id": announcement_id}


@pytest.fixture(scope="module")
def heights():
    found: dict[str, int] = {}
    yield found
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lines = [f"{name}\t{height}" for name, height in sorted(found.items())]
    (ARTIFACTS / "heights.txt").write_text("\n".join(lines) + "\n")


def header_problems(page, width: int) -> list[str]:
    items = page.evaluate(HEADER)
    found = []
    for item in items:
        inside = item["left"] >= 0 and item["right"] <= width + 0.5 and item["top"] >= 0
        if not (item["shown"] and inside):
            found.append(f"header item {item['text']!r} not visible inside the viewport ({item})")
    page.evaluate("() => document.querySelector('.skip').focus()")
    reached = []
    for _ in range(len(items) + 1):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.dataset.headerItem ?? null"))
    page.evaluate("() => document.activeElement.blur()")
    missing = [item["text"] for item in items if str(item["i"]) not in reached]
    if missing:
        found.append(f"header items not reached by Tab: {missing}")
    return found


def check_every_width(page, url: str, name: str, shots, heights: dict) -> list[str]:
    page.goto(url)
    found = []
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => window.scrollTo(0, 0)")
        sizes = page.evaluate(SIZES)
        heights[f"{sizes['lang']}/{name}-{width}"] = sizes["height"]
        if sizes["scroll"] > sizes["inner"]:
            found.append(f"{width}px: the document is {sizes['scroll']}px wide: {page.evaluate(WIDER)}")
        found += [f"{width}px: {problem}" for problem in header_problems(page, width)]
        found += [f"{width}px: {v}" for v in violations(page)]
        shots(page, f"{name}-{width}")
    return [f"{name} ({url}): {problem}" for problem in found]


def check_pages(page, base: str, pages: dict[str, str], shots, heights, **values) -> list[str]:
    found = []
    for name, path in pages.items():
        found += check_every_width(page, base + path.format(**values), name, shots, heights)
    return found


def first_link(page, pattern: str) -> str:
    hrefs = page.locator("main a").evaluate_all("(links) => links.map(a => a.getAttribute('href'))")
    return next(h for h in hrefs if re.search(pattern, h or ""))


@pytest.fixture
def timed(request):
    started = time.monotonic()
    yield
    print(f"\n{request.node.name}: {time.monotonic() - started:.1f}s")


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_public_pages_fit_every_width(browser, live_server, places, shots, heights, timed, locale):
    base = live_server.config["LIVE_URL"]
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(base + "/processors/vcare/changes/")
    found = check_pages(page, base, PUBLIC, shots, heights, public_announcement=first_link(page, r"/changes/\d+/$"))
    context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_portal_pages_fit_every_width(browser, live_server, places, shots, heights, timed, locale):
    base = live_server.config["LIVE_URL"]
    context = browser.new_context(locale=locale)
    page = log_in(context, base, CONTROLLER, LANGUAGES[locale])
    page.goto(base + "/portal/")
    objection_form = page.locator("main a[href$='/objection']").first.get_attribute("href")
    contract = first_link(page, r"/portal/contracts/\d+/$")
    found = check_pages(page, base, PORTAL, shots, heights, objection_form=objection_form, contract=contract, **places)
    context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_admin_pages_fit_every_width(browser, live_server, places, shots, heights, timed, locale):
    base = live_server.config["LIVE_URL"]
    context = browser.new_context(locale=locale)
    page = log_in(context, base, EDITOR, LANGUAGES[locale])
    found = check_pages(page, base, ADMIN, shots, heights)
    context.close()
    assert found == [], "\n".join(found)
