"""Links in mail: the domain names a place, the web layer gives its address on BASE_URL."""

import pytest

from registry.mail.links import Place, url

# Each place with the values that name one, and the address a reader must get (BASE_URL is http://registry.test).
EXPECTED = {
    Place.ANNOUNCEMENT: ({"slug": "vcare", "number": 12}, "/processors/vcare/changes/12/"),
    Place.RESPONSE: ({"announcement_id": 12}, "/portal/announcements/12/"),
    Place.OBJECTION_FOR_CONTROLLER: ({"objection_id": 7}, "/portal/objections/7/"),
    Place.OBJECTION_FOR_PROCESSOR: ({"slug": "vcare", "objection_id": 7}, "/admin/processors/vcare/objections/7/"),
    Place.CONSENT_FOR_CONTROLLER: ({"consent_id": 3}, "/portal/consents/3/"),
    Place.OBJECTIONS_FOR_PROCESSOR: ({"slug": "vcare"}, "/admin/processors/vcare/objections/"),
    Place.CHECKPOINTS: ({}, "/audit/checkpoints.json"),
    Place.CHECKPOINT: ({"sequence": 2}, "/audit/checkpoints/2.json"),
    Place.SUBSCRIPTION_CONFIRMATION: ({"signed": "abc.def"}, "/subscriptions/confirm/abc.def"),
    Place.SUBSCRIPTION: ({"token": "tok"}, "/subscriptions/tok/"),
    Place.PASSWORD_RESET: ({"signed": "abc.def"}, "/password/reset/abc.def"),
    Place.INVITATION: ({"signed": "abc.def"}, "/invitations/abc.def"),
    Place.PROCESSOR_USERS: ({"slug": "vcare"}, "/admin/processors/vcare/users/"),
    Place.COLLEAGUES: ({}, "/portal/colleagues/"),
    Place.WEBHOOK_FOR_PROCESSOR: ({"slug": "vcare", "endpoint_id": 4}, "/admin/processors/vcare/webhooks/4"),
    Place.WEBHOOK_FOR_CONTROLLER: ({"endpoint_id": 4}, "/portal/webhooks/4"),
    Place.WEBHOOK_FOR_SUBSCRIBER: ({"token": "tok", "endpoint_id": 4}, "/subscriptions/tok/webhooks/4"),
    Place.FEED_ALL: ({"kind": "atom"}, "/feed.atom"),
    Place.FEED_PROCESSOR: ({"slug": "vcare", "kind": "rss"}, "/processors/vcare/feed.rss"),
    Place.FEED_SERVICE: (
        {"slug": "vcare", "key": "operator", "kind": "atom"},
        "/processors/vcare/services/operator/feed.atom",
    ),
}


@pytest.mark.parametrize("place", list(Place), ids=lambda place: place.name)
def test_every_place_a_mail_links_to_has_its_address_on_the_base_url(app, place):
    values, path = EXPECTED[place]
    assert url(place, **values) == "http://registry.test" + path


def test_a_place_named_with_the_wrong_values_is_refused_before_any_route_is_built(app):
    with pytest.raises(TypeError, match="OBJECTION_FOR_PROCESSOR takes slug, objection_id"):
        url(Place.OBJECTION_FOR_PROCESSOR, objection_id=7)
