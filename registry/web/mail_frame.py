"""What surrounds every mail's own words: who it is from (the header and the sender's name), whom it greets, and
its footer: why the reader gets it and how to stop it. Decided per kind from what the mail knows: the contract
for a contractual notice, the subscription for an announcement to a subscriber, the account for account mail."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any, NamedTuple

from flask import current_app
from flask_babel import gettext as _

from registry.subprocessors import branding
from registry.web.links import absolute


class Frame(NamedTuple):
    """brand: the header; sender_name: the From header's display name; stop_url/stop_label: a link to stop."""

    brand: str
    sender_name: str
    greeting: str
    why: str
    stop: str
    stop_url: str | None = None
    stop_label: str | None = None
    # The processor's own accent colour for the header (checked for contrast with white when it was set).
    accent: str | None = None
    logo_url: str | None = None


def registry_name() -> str:
    return _("Sub-processor Registry")


def _sender() -> str:
    """Who the registry's mail is from: the name configured with MAIL_DEFAULT_SENDER, else the registry's."""
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[0] or registry_name()


def _about(processor) -> dict:
    """A mail about a processor comes from it, through the registry, in its own colour when it has one."""
    logo = branding.logo_of(processor)
    return {
        "brand": processor.name,
        "sender_name": _("%(processor)s via %(registry)s", processor=processor.name, registry=_sender()),
        "accent": processor.accent_colour,
        "logo_url": absolute("public.logo", slug=processor.slug, v=logo.sha256[:12]) if logo else None,
    }


def _account(**words: str) -> Frame:
    return Frame(brand=registry_name(), sender_name=_sender(), greeting=_("Hello,"), **words)


def _contract_notice(contract, why: str) -> Frame:
    processor = contract.processor.name
    return Frame(
        **_about(contract.processor),
        greeting=_("Dear privacy officer of %(organisation)s,", organisation=contract.organisation.name),
        why=why,
        stop=_(
            "These notices follow from the contract: they cannot be unsubscribed from. To have them sent to another "
            "address, ask %(processor)s to change the contract's notice address.",
            processor=processor,
        ),
    )


def _announcement(facts: Mapping[str, Any]) -> Frame:
    processor = facts["announcement"].processor.name
    item = facts.get("deadlines")
    if item is not None:
        contract = item.contract
        return _contract_notice(
            contract,
            _(
                "You receive this because this address is the notice address of contract %(contract)s between "
                "%(organisation)s and %(processor)s.",
                contract=contract.reference,
                organisation=contract.organisation.name,
                processor=processor,
            ),
        )
    return Frame(
        **_about(facts["announcement"].processor),
        greeting=_("Dear subscriber,"),
        why=_(
            "You receive this because you subscribed to the announced sub-processor changes of %(processor)s.",
            processor=processor,
        ),
        stop=_("To choose other services or to stop these messages:"),
        stop_url=facts["manage_url"],
        stop_label=_("manage or end your subscription"),
    )


def _case(facts: Mapping[str, Any]) -> Frame:
    contract = facts["contract"]
    processor = contract.processor.name
    if facts["audience"] == "controller":
        return _contract_notice(
            contract,
            _(
                "You receive this because of contract %(contract)s between %(organisation)s and %(processor)s: this "
                "address is its notice address, or you take part in this case in the portal.",
                contract=contract.reference,
                organisation=contract.organisation.name,
                processor=processor,
            ),
        )
    return Frame(
        **_about(contract.processor),
        greeting=_("Dear editor of %(processor)s,", processor=processor),
        why=_(
            "You receive this as an editor of %(processor)s: the editors are told of every objection, consent "
            "decision and notice of termination of its customers.",
            processor=processor,
        ),
        stop=_("To stop receiving them, ask the registry's administrator to end your editor account."),
    )


def _subscription(facts: Mapping[str, Any]) -> Frame:
    processor = facts["processor"].name
    why = _(
        "You receive this because someone asked on the registry's page of %(processor)s to subscribe %(email)s.",
        processor=processor,
        email=facts["email"],
    )
    if facts.get("confirmed"):
        return Frame(
            **_about(facts["processor"]),
            greeting=_("Hello,"),
            why=why,
            stop=_("To stop the messages:"),
            stop_url=facts["manage_url"],
            stop_label=_("manage or end your subscription"),
        )
    return Frame(
        **_about(facts["processor"]),
        greeting=_("Hello,"),
        why=why,
        stop=_("If it was not you, ignore this message: without your confirmation nothing will be sent."),
    )


def frame(kind: str, facts: Mapping[str, Any]) -> Frame:
    """The frame of one mail, in the current locale."""
    if kind == "announcement":
        return _announcement(facts)
    if kind == "case":
        return _case(facts)
    if kind == "subscription":
        return _subscription(facts)
    if kind == "password_reset":
        return _account(
            why=_(
                "You receive this because a new password was asked for the account %(email)s at the %(registry)s.",
                email=facts["email"],
                registry=registry_name(),
            ),
            stop=_("If you did not ask for it, ignore this message: nothing changes."),
        )
    if kind == "invitation_request":
        return _account(
            why=_(
                "You receive this because you invited %(email)s to %(name)s, who asks for a new invitation.",
                email=facts["email"],
                name=facts["where"],
            ),
            stop=_("If you do not want to invite them again, ignore this message."),
        )
    if kind == "webhook_paused":
        return _account(
            why=_(
                "You receive this because you manage the webhooks of %(name)s at the %(registry)s.",
                name=facts["name"],
                registry=registry_name(),
            ),
            stop=_("To receive no more of these, remove the endpoint on its page."),
        )
    # An invitation, and any account mail still to come: from the registry, to the address it was asked for.
    inviter = facts.get("inviter")
    return _account(
        why=_(
            "You receive this because %(inviter)s invited %(email)s to the %(registry)s.",
            inviter=inviter,
            email=facts.get("email"),
            registry=registry_name(),
        )
        if inviter
        else _("You receive this because of an account at the %(registry)s.", registry=registry_name()),
        stop=_("If you do not want it, ignore this message: the link expires by itself and nothing more is sent."),
    )
