"""A failed form's page keeps its POST address; opened again with a GET (reloaded from the address bar, opened in
a new tab, restored with the browser's session) it is never a 405: the GET is sent to the page above it."""

from __future__ import annotations

import re

import pytest

SAMPLE = {"int": "1", "default": "x", "any": "atom", "path": "x"}


def sample_url(rule) -> str:
    """The rule's address with a value for each argument (the slug of a seeded processor, 1 for numbers)."""

    def value(match) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        if name == "slug":
            return "vcare"
        return SAMPLE.get(converter.split("(")[0], "x")

    return re.sub(r"<(?:([a-z]+(?:\([^)]*\))?):)?([a-z_]+)>", value, rule.rule)


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("/admin/processors/vcare/users/invite", "/admin/processors/vcare/users/"),
        ("/admin/processors/vcare/users/invitations/7/revoke", "/admin/processors/vcare/users/"),
        ("/admin/processors/vcare/objections/3/messages", "/admin/processors/vcare/objections/3/"),
        ("/portal/objections/3/termination", "/portal/objections/3/"),
        ("/invitations/some-token/ask", "/invitations/some-token"),
        ("/admin/processors/vcare/import/confirm", "/admin/processors/vcare/import"),
    ],
)
def test_a_get_of_a_post_address_goes_to_the_page_above(client, url, page):
    response = client.get(url)
    assert response.status_code == 303 and response.headers["Location"] == page


def test_no_post_only_address_answers_a_get_with_405(app, client):
    shown = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    post_only = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" not in rule.methods and rule.rule not in shown and not rule.rule.startswith("/api/")
    ]  # the API is no browser's: a GET of its POST-only address is a JSON 405 (below)
    assert len(post_only) > 20  # the forms' addresses
    for rule in post_only:
        url = sample_url(rule)
        response = client.get(url)
        assert response.status_code == 303, (url, response.status_code)
        landing = client.get(response.headers["Location"])
        assert landing.status_code != 405, (url, response.headers["Location"])


def test_the_api_still_says_405_in_json(client):
    response = client.post("/api/v1/processors")
    assert response.status_code == 405 and response.is_json
