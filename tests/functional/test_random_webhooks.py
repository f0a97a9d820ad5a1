"""Property-based, like test_random_calendar.py: the webhook pages of both sides. The form that registers an
endpoint, posted as a browser would (addresses that must be taken, control characters, overlong and hostile text),
and the buttons on an endpoint's page (verify again, resume, remove) on endpoints in every state, the user's own
and another owner's. Never a 5xx; another owner's endpoint is a 404 and stays as it is; every valid example does
what it says (or, where there is nothing to do, changes nothing)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from registry.extensions import db
from registry.models import AuditEntry, Processor, Subscription, WebhookDelivery, WebhookEndpoint
from registry.webhooks import endpoints
from registry.webhooks.owners import Owner

from .fuzz import EXAMPLES, INERT, Spy, Tally, drive, example, isolated, text
from .seeded import backend, count

ADDRESSES = st.builds(
    lambda port, path: f"https://127.0.0.1:{port}/{path}",
    st.integers(1, 65535),
    st.from_regex(r"[a-z0-9_-]{0,20}(/[a-z0-9_-]{1,10}){0,2}(\?[a-z]{1,5}=[a-z0-9]{1,5})?", fullmatch=True),
)
SIDES = {
    "portal": ("controller_a", "/portal/webhooks/"),
    "admin": ("vcare_editor", "/admin/processors/vcare/webhooks/"),
    "subscription": (None, "/subscriptions/{token}/webhooks/"),
}


def _subscription(email: str) -> Subscription:
    vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    found = Subscription(processor_id=vcare.id, email=email, status="confirmed")
    db.session.add(found)
    db.session.commit()
    return found


def _enter(side: str, users, login) -> tuple[str, Owner | None]:
    """Log in as the side's user (a subscriber has its link instead); the path of its webhooks and, for a
    subscriber, its own subscription as owner."""
    user, path = SIDES[side]
    if user is None:
        mine = _subscription("dpo@example.org")
        return path.format(token=mine.token), Owner(subscription=mine)
    login(getattr(users, user))
    return path, None


@pytest.fixture
def private_allowed(app, monkeypatch):
    """The addresses are on 127.0.0.1; nothing is delivered in these tests."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)


@pytest.mark.parametrize("side", sorted(SIDES))
def test_the_endpoint_form(side, fuzz_day, private_allowed, app, client, users, login, monkeypatch):
    path, _owner = _enter(side, users, login)
    spy = Spy(monkeypatch).on(endpoints, "register")
    tally = Tally(f"EndpointForm {side}", backend(app))
    fields = {"url": text(2000, required=True, valid=ADDRESSES), "description": text(200)}

    # Derandomized: how many examples are all valid varies a lot between random runs of this form (11 to 46 of 50
    # seen), and the share that must reach the service is a floor, not a coin toss.
    @settings(EXAMPLES, derandomize=True)
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(WebhookEndpoint, WebhookDelivery, AuditEntry), spy.calls
            response = client.post(path, data={k: v.raw for k, v in values.items()})

            def done() -> bool:
                made = db.session.scalar(select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc()))
                return (
                    response.status_code == 303
                    and count(WebhookEndpoint, WebhookDelivery, AuditEntry) == tuple(n + 1 for n in before)
                    and made.url == values["url"].raw.strip()
                    and made.status == "unverified"
                )

            unchanged = count(WebhookEndpoint, WebhookDelivery, AuditEntry) == before
            drive(response, values, tally, spy.calls > calls, unchanged, done)

    run()
    tally.assert_real_share()


STATES = ["waiting", "unverified", "active", "paused"]


def _put_in(endpoint_id: int, state: str) -> None:
    """waiting: its verification message is still queued; unverified: it failed; active; paused."""
    if state != "waiting":
        db.session.execute(
            update(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id).values(status="failed")
        )
    if state in ("active", "paused"):
        db.session.execute(
            update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).values(status=state, challenge=None)
        )
    db.session.commit()


def _state(endpoint_id: int) -> tuple:
    db.session.expire_all()
    found = db.session.get(WebhookEndpoint, endpoint_id)
    queued = db.session.scalar(
        select(db.func.count(WebhookDelivery.id)).where(
            WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "queued"
        )
    )
    return found.status, found.challenge, queued


@pytest.mark.parametrize("side", sorted(SIDES))
def test_the_endpoint_buttons(side, fuzz_day, private_allowed, app, client, users, login, monkeypatch):
    path, subscriber = _enter(side, users, login)
    if subscriber is not None:
        mine = endpoints.register(None, subscriber, "https://127.0.0.1:1/a")
        theirs = endpoints.register(
            None, Owner(subscription=_subscription("other@example.org")), "https://127.0.0.1:1/b"
        )
    elif side == "portal":
        mine = endpoints.register(
            users.controller_a, Owner(organisation=users.controller_a.organisation), "https://127.0.0.1:1/a"
        )
        theirs = endpoints.register(
            users.controller_b, Owner(organisation=users.controller_b.organisation), "https://127.0.0.1:1/b"
        )
    else:
        vcare, vtm = (db.session.scalar(select(Processor).filter_by(slug=s)) for s in ("vcare", "vtm"))
        mine = endpoints.register(users.vcare_editor, Owner(processor=vcare), "https://127.0.0.1:1/a")
        theirs = endpoints.register(users.vtm_editor, Owner(processor=vtm), "https://127.0.0.1:1/b")
    mine_id, theirs_id = mine.id, theirs.id
    spy = Spy(monkeypatch).on(endpoints, "verify_again").on(endpoints, "resume").on(endpoints, "remove")
    tally = Tally(f"EndpointActionForm {side}", backend(app))

    @EXAMPLES
    @given(
        action=st.sampled_from(["verify", "resume", "remove"]),
        own=st.booleans(),
        state=st.sampled_from(STATES),
        extra=st.dictionaries(
            st.sampled_from(["x", "url", "endpoint_id", "status"]), st.sampled_from(INERT), max_size=2
        ),
    )
    def run(action, own, state, extra):
        with isolated():
            target = mine_id if own else theirs_id
            _put_in(target, state)
            before, other, entries, calls = _state(mine_id), _state(theirs_id), count(AuditEntry), spy.calls
            response = client.post(f"{path}{target}/{action}", data=extra)

            def done() -> bool:
                if not own:
                    return response.status_code == 404 and _state(theirs_id) == other and count(AuditEntry) == entries
                if response.status_code != 303 or _state(theirs_id) != other:
                    return False
                after, logged = _state(mine_id), count(AuditEntry) == (entries[0] + 1,)
                if action == "remove":
                    return after == ("removed", None, 0) and logged
                if action == "verify" and state == "unverified":
                    return after[0] == "unverified" and after[1] != before[1] and after[2] == 1 and logged
                if action == "resume" and state == "paused":
                    return after[0] == "active" and logged
                return after == before and count(AuditEntry) == entries  # nothing to do: said so, nothing changed

            drive(response, {}, tally, spy.calls > calls, True, done)

    run()
    tally.assert_real_share()
