"""Every kind of mail the registry sends, made by the domain's own steps in one language, and read back the way a
mail program reads the bytes the worker sends."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

from sqlalchemy import select

from registry.accounts.invitations import invitation_token
from registry.cases import consents, objections, terminations
from registry.extensions import db
from registry.mail import invitations, password_reset, subscriptions
from registry.mail.messages import build
from registry.models import OutboxMessage, Subscription
from registry.subprocessors.snapshot import today

from ..clock import TODAY, on
from ..html import text
from .announce import ids
from .portal import GROUNDS, US, announce, contract, processor

READER = "reader@example.org"
INVITED = "new.editor@example.org"
OFFICER = "officer@huisartsenpraktijk-x.example"


class Journey:
    """Runs the steps, labelling the messages each one queued: {label: [(recipient, parsed message)]}."""

    def __init__(self):
        self.mail: dict[str, list[tuple[str, EmailMessage]]] = {}
        self._seen = 0

    def took(self, label: str) -> None:
        rows = list(
            db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > self._seen).order_by(OutboxMessage.id))
        )
        assert rows, f"{label}: no mail queued"
        self._seen = rows[-1].id
        self.mail[label] = [(m.recipient, read(m)) for m in rows]

    def one(self, label: str, recipient: str) -> EmailMessage:
        [found] = [message for to, message in self.mail[label] if to == recipient]
        return found


def read(row: OutboxMessage) -> EmailMessage:
    return email.message_from_bytes(build(row).as_bytes(), policy=policy.default)


def every_kind(users, language: str) -> Journey:
    """Subscription (asked, and asked again when confirmed), announcement to the subscriber and to the contract,
    consent, the objection's mails (receipt, editors' notice, message, outcome, termination: the contract ends, so
    it comes last), password reset, invitations (an editor's, sent again, asked for again; a privacy officer's):
    everyone reading `language`."""
    vcare, vc = processor("vcare"), contract()
    vc.notice_language = language
    for user in vars(users).values():
        user.language = language
    db.session.commit()
    journey = Journey()
    subscriptions.subscribe(vcare, READER, language, [])
    journey.took("subscription")
    sub = db.session.scalar(select(Subscription).filter_by(email=READER))
    sub.status = "confirmed"
    db.session.commit()
    with on(TODAY, 13):  # asked again an hour later: a request of its own (the key holds the time)
        subscriptions.subscribe(vcare, READER, language, [])
    journey.took("subscription, confirmed")
    item = announce(users.vcare_editor)
    journey.took("announcement")
    needs_consent = announce(users.vcare_editor, locations=US, name="Beta Hosting")
    journey.took("announcement needing consent")
    consents.decide(users.controller_a, needs_consent.id, vc.id, "granted", "")
    journey.took("consent")
    objection = objections.submit(users.controller_a, item.id, vc.id, GROUNDS, ids("vcare", "operator"), today())
    journey.took("objection")
    objections.add_message(users.vcare_editor, objection, "Could you tell us more about your supplier?")
    journey.took("message")
    objections.record_outcome(users.vcare_editor, vcare, objection.id, "no_agreement", "We keep Acme Cloud.")
    journey.took("outcome")
    terminations.give_notice(users.controller_a, objection.id, today(), True)
    journey.took("termination")
    password_reset.request_reset(users.controller_a.email, language)
    journey.took("password reset")
    invitation = invitations.invite(users.vcare_editor, vcare, INVITED, language)
    journey.took("invitation")
    replaced = invitation_token(invitation)
    invitations.resend(users.vcare_editor, vcare, invitation.id, language)  # a new link: the first stops working
    journey.took("invitation, sent again")
    invitations.ask_again(replaced, language)
    journey.took("request for a new invitation")
    invitations.invite_controller(users.vcare_editor, vc, OFFICER)
    journey.took("invitation to the portal")
    return journey


def inline_styles_everywhere(html) -> None:
    """The elements a mail's look rests on carry their style themselves: a mail program that drops <style> keeps it."""
    body = html.find("body")
    assert "background-color" in body.get("style", "")
    for tag in ("p", "a", "li", "ul", "h1", "blockquote"):
        for element in body.iter(tag):
            assert element.get("style"), f"<{tag}> without an inline style: {text(element)!r}"
    for cls in ("sheet", "brand", "main", "foot"):
        [element] = [e for e in body.iter() if cls in (e.get("class") or "").split()]
        assert element.get("style"), f"{cls} without an inline style"
    sheet = next(e for e in body.iter("table") if e.get("class") == "sheet")
    assert "max-width: 600px" in sheet.get("style")
    main = next(e for e in body.iter("td") if e.get("class") == "main")
    assert "font-size: 16px" in main.get("style")


def by_class(html, cls: str):
    return [e for e in html.iter() if cls in (e.get("class") or "").split()]
