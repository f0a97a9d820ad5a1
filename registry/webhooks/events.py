"""Queueing webhook deliveries in the transaction of the event that causes them (no commits here).

The body of a delivery follows the Standard Webhooks shape: {"type", "timestamp", "data"}. It is fixed when
queued, so that every attempt sends the same bytes under the same webhook-id; data holds ids, numbers, dates and
links, never the text of an objection or a note: a receiver fetches what it needs with its own rights."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

from sqlalchemy import or_, select

from registry.announcements import deadlines
from registry.announcements.summary import describe
from registry.extensions import db
from registry.law import periods
from registry.mail.links import Place, url
from registry.models import (
    VERIFICATION,
    Announcement,
    CustomerContract,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
    subscription_service,
)
from registry.models.types import utcnow
from registry.text import message

# Endpoints that still take events: a paused one keeps them queued until it is resumed.
RECEIVING = ("active", "paused")


def new_webhook_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def _iso(moment: datetime) -> str:
    """UTC to the second, as the API writes moments: 2026-12-01T11:00:00Z."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def payload(event_type: str, data: dict, at: datetime) -> str:
    return json.dumps({"type": event_type, "timestamp": _iso(at), "data": data}, ensure_ascii=False, sort_keys=True)


def queue(endpoint: WebhookEndpoint, event_type: str, data: dict, key: str, at: datetime, **links) -> None:
    """One delivery of the event to the endpoint, unless it was queued already under the same key."""
    dedupe = f"{key}:endpoint:{endpoint.id}"
    if db.session.scalar(select(WebhookDelivery.id).filter_by(dedupe_key=dedupe)) is not None:
        return
    db.session.add(
        WebhookDelivery(
            endpoint_id=endpoint.id,
            event_type=event_type,
            webhook_id=new_webhook_id(),
            dedupe_key=dedupe,
            payload=payload(event_type, data, at),
            queued_at=at,
            next_attempt_at=at,
            **links,
        )
    )


def queue_verification(endpoint: WebhookEndpoint) -> None:
    """The message that proves the endpoint is the owner's: it must answer with the challenge."""
    now = utcnow()
    data = {"challenge": endpoint.challenge, "endpoint": endpoint.url}
    queue(endpoint, VERIFICATION, data, f"verification:{endpoint.challenge}", now)


def _receiving(**owner) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .filter_by(**owner)
            .where(WebhookEndpoint.status.in_(RECEIVING))
            .order_by(WebhookEndpoint.id)
        )
    )


def _subscribers(announcement: Announcement) -> list[WebhookEndpoint]:
    """The endpoints of confirmed subscriptions to the processor whose scope covers an affected service."""
    service_ids = [s.id for s in announcement.services]
    chosen = select(subscription_service.c.subscription_id).where(subscription_service.c.service_id.in_(service_ids))
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .join(Subscription, Subscription.id == WebhookEndpoint.subscription_id)
            .where(
                WebhookEndpoint.status.in_(RECEIVING),
                Subscription.processor_id == announcement.processor_id,
                Subscription.status == "confirmed",
                or_(Subscription.all_services.is_(True), Subscription.id.in_(chosen)),
            )
            .order_by(WebhookEndpoint.id)
        )
    )


def _announcement_data(announcement: Announcement, event: str) -> dict:
    facts = describe(announcement)
    processor = announcement.processor
    data = {
        "processor": {"slug": processor.slug, "name": processor.name},
        "announcement": {
            "number": announcement.number,
            "kind": announcement.kind,
            "summary": message.english(facts.what),
            "services": [s.key for s in announcement.services],
            "effective_date": announcement.effective_date.isoformat(),
            "urgent": announcement.urgent,
            "outside_eea": facts.outside_eea,
            "published_at": _iso(announcement.published_at),
            "url": url(Place.ANNOUNCEMENT, slug=processor.slug, number=announcement.number),
        },
    }
    if event == "withdrawal":
        data["announcement"]["withdrawn_at"] = _iso(announcement.withdrawn_at)
        data["announcement"]["withdrawal_reason"] = announcement.withdrawal_reason
    return data


def _contract_facts(item: deadlines.ContractDeadlines) -> dict:
    contract = item.contract
    return {
        "reference": contract.reference,
        "services": sorted(s.key for s in contract.services),
        "notice_period_ends": item.notice_end.day.isoformat(),
        "objection_deadline": item.objection_deadline.day.isoformat() if item.objection_deadline else None,
        "consent_asked": item.consent,
    }


def queue_announcement(announcement: Announcement, event: str) -> int:
    """announcement.published or announcement.withdrawn to the processor's endpoints, to those of subscriptions
    that cover an affected service, and to those of every organisation with an affected contract (with its
    contracts' deadlines); returns how many were queued."""
    event_type = "announcement.published" if event == "publication" else "announcement.withdrawn"
    at = announcement.withdrawn_at if event == "withdrawal" else announcement.published_at
    data = _announcement_data(announcement, event)
    key = f"announcement:{announcement.id}:{event}"
    count = 0
    for endpoint in _receiving(processor_id=announcement.processor_id):
        queue(endpoint, event_type, data, key, at, announcement_id=announcement.id)
        count += 1
    announced_on = periods.local_day(at)
    facts = describe(announcement)
    items = deadlines.per_contract(announcement.processor, announcement.services, announced_on, bool(facts.outside_eea))
    by_organisation: dict[int, list] = {}
    for item in items:
        if item.contract is not None:
            by_organisation.setdefault(item.contract.organisation_id, []).append(item)
    for endpoint in _subscribers(announcement):
        queue(endpoint, event_type, data, key, at, announcement_id=announcement.id)
        count += 1
    respond = url(Place.RESPONSE, announcement_id=announcement.id)
    for organisation_id, own in by_organisation.items():
        contracts = [{**_contract_facts(i), "respond_url": respond} for i in own]
        for endpoint in _receiving(organisation_id=organisation_id):
            queue(endpoint, event_type, {**data, "contracts": contracts}, key, at, announcement_id=announcement.id)
            count += 1
    return count


def queue_case(event_type: str, key: str, contract: CustomerContract, data: dict, at: datetime, **links) -> int:
    """objection.submitted, consent.decided or termination.noticed to the processor's endpoints."""
    common = {
        "processor": {"slug": contract.processor.slug, "name": contract.processor.name},
        "contract": {"reference": contract.reference, "organisation": contract.organisation.name},
        **data,
    }
    endpoints = _receiving(processor_id=contract.processor_id)
    for endpoint in endpoints:
        queue(endpoint, event_type, common, key, at, contract_id=contract.id, **links)
    return len(endpoints)


def _case_links(slug: str, objection_id: int | None) -> dict:
    if objection_id is None:
        return {"url": url(Place.OBJECTIONS_FOR_PROCESSOR, slug=slug)}
    return {"url": url(Place.OBJECTION_FOR_PROCESSOR, slug=slug, objection_id=objection_id)}


def objection_submitted(objection) -> int:
    contract = objection.contract
    data = {
        "objection": {
            "reference": objection.reference,
            "announcement_number": objection.announcement.number,
            "services": sorted(s.key for s in objection.services),
            "deadline": objection.deadline.isoformat() if objection.deadline else None,
            "after_effective": objection.after_effective,
            "submitted_at": _iso(objection.submitted_at),
            **_case_links(contract.processor.slug, objection.id),
        }
    }
    key = f"objection:{objection.id}:submitted"
    return queue_case(
        "objection.submitted", key, contract, data, objection.submitted_at, announcement_id=objection.announcement_id
    )


def consent_decided(decision) -> int:
    contract = decision.contract
    data = {
        "consent": {
            "reference": decision.reference,
            "announcement_number": decision.announcement.number,
            "decision": decision.decision,
            "decided_at": _iso(decision.decided_at),
            **_case_links(contract.processor.slug, None),
        }
    }
    key = f"consent:{decision.id}:decided"
    return queue_case(
        "consent.decided", key, contract, data, decision.decided_at, announcement_id=decision.announcement_id
    )


def termination_noticed(termination) -> int:
    contract = termination.contract
    data = {
        "termination": {
            "reference": termination.reference,
            "objection_reference": termination.objection.reference,
            "given_on": termination.given_on.isoformat(),
            "end_date": termination.end_date.isoformat(),
            "months": termination.months,
            "article": termination.article,
            **_case_links(contract.processor.slug, termination.objection_id),
        }
    }
    key = f"termination:{termination.id}:noticed"
    return queue_case("termination.noticed", key, contract, data, termination.given_at)
