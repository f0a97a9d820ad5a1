"""The announcement form's script in Debian's chromium: choosing the kind shows only its fields at once (no
reload), and the button ticks every service of the chosen sub-processor at once; the page says no CSP error."""

from __future__ import annotations

from .conftest import EDITOR
from .test_objection_journey import log_in

# Equinix's services in seed/vcare.yaml, as the form names them.
EQUINIX = {
    "Systeem logging",
    "Support: ticket- en klachtenafhandeling (alle diensten)",
    "Medialogging",
    "Operator",
    "Number Entry",
    "Integrator",
    "Call Back (add-on voor de Operator)",
    "Reporter",
    "Scheduler (add-on voor de Operator)",
    "Video Connect",
    "Photo Link",
    "Back-Up",
}


def test_the_kind_switches_the_fields_and_the_services_are_ticked_at_once(browser, live_server, shots):
    base = live_server.config["LIVE_URL"]
    page = log_in(browser.new_context(locale="en-GB"), base, EDITOR)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(base + "/admin/processors/vcare/announcements/new")
    assert page.locator("#kind-continue").count() == 0  # the script applies the kind at once
    assert not page.locator("#announcement-form").is_visible()
    page.get_by_label("Kind of change").select_option("change_locations")
    assert page.url.endswith("/announcements/new?kind=change_locations")
    assert page.get_by_label("Sub-processor that is replaced, removed or moves").is_visible()
    assert not page.get_by_label("Name of a new sub-processor").is_visible()
    assert not page.get_by_label("Engaged by").is_visible()
    assert page.locator("input[name=kind]").input_value() == "change_locations"
    page.get_by_label("Sub-processor that is replaced, removed or moves").select_option(label="Equinix")
    page.get_by_role("button", name="Tick every service that uses the sub-processor chosen above").click()
    assert page.url.endswith("?kind=change_locations")  # no request: ticked in the page
    boxes = page.locator("input[name=service_ids]")
    ticked = {
        page.locator(f"label[for='{boxes.nth(i).get_attribute('id')}']").inner_text()
        for i in range(boxes.count())
        if boxes.nth(i).is_checked()
    }
    shots(page, "change-of-locations")
    page.get_by_label("Kind of change").select_option("add")
    assert page.get_by_label("Name of a new sub-processor").is_visible()
    assert not page.get_by_label("Sub-processor that is replaced, removed or moves").is_visible()
    assert ticked == EQUINIX and problems == []
