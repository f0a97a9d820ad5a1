"""The tables of the domain, one module per aggregate: invariants as methods, no commits.
Imports storage, law, text."""

from registry.models.announcement import KINDS, Announcement, PublishedVersion, RegistryVersion, announcement_service
from registry.models.api_token import SCOPES, ApiToken, IdempotencyRecord
from registry.models.audit import AuditCheckpoint, AuditEntry
from registry.models.calendar import CalendarToken
from registry.models.customer import CustomerContract, Organisation, contract_service
from registry.models.invitation import Invitation
from registry.models.mail import LANGUAGES, MailBody, OutboxMessage, Subscription, subscription_service
from registry.models.objection import (
    DECISIONS,
    OUTCOMES,
    ConsentDecision,
    Objection,
    ObjectionMessage,
    Termination,
    objection_service,
)
from registry.models.processor import ContractTerms, Processor, ProcessorLogo, Service
from registry.models.seed import SeedMark
from registry.models.subprocessor import AnnexListing, Engagement, Location, OnwardEngagement, SubProcessor
from registry.models.user import ROLES, RecoveryCode, User
from registry.models.webhook import EVENT_TYPES, VERIFICATION, HubPing, WebhookDelivery, WebhookEndpoint

__all__ = [
    "SCOPES",
    "ApiToken",
    "IdempotencyRecord",
    "CalendarToken",
    "DECISIONS",
    "OUTCOMES",
    "ConsentDecision",
    "Objection",
    "ObjectionMessage",
    "Termination",
    "objection_service",
    "Invitation",
    "LANGUAGES",
    "MailBody",
    "OutboxMessage",
    "Subscription",
    "subscription_service",
    "KINDS",
    "Announcement",
    "PublishedVersion",
    "RegistryVersion",
    "announcement_service",
    "AnnexListing",
    "OnwardEngagement",
    "AuditCheckpoint",
    "AuditEntry",
    "ContractTerms",
    "CustomerContract",
    "Engagement",
    "Location",
    "Organisation",
    "Processor",
    "ProcessorLogo",
    "SeedMark",
    "ROLES",
    "RecoveryCode",
    "Service",
    "SubProcessor",
    "User",
    "contract_service",
    "EVENT_TYPES",
    "HubPing",
    "VERIFICATION",
    "WebhookDelivery",
    "WebhookEndpoint",
]
