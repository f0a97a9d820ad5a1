"""The domain model; one module per aggregate."""
from .announcement import KINDS, Announcement, RegistryVersion, announcement_service
from .audit import AuditCheckpoint, AuditEntry
from .mail import LANGUAGES, MailBody, OutboxMessage, Subscription, subscription_service
from .customer import CustomerContract, Organisation, contract_service
from .objection import (DECISIONS, OUTCOMES, ConsentDecision, Objection, ObjectionMessage, TerminationNotice,
                        objection_service)
from .processor import ContractTerms, Processor, Service
from .seed import SeedMark
from .subprocessor import AnnexListing, Engagement, Location, OnwardEngagement, SubProcessor
from .user import ROLES, User

__all__ = [
    "DECISIONS",
    "OUTCOMES",
    "ConsentDecision",
    "Objection",
    "ObjectionMessage",
    "TerminationNotice",
    "objection_service",
    "LANGUAGES",
    "MailBody",
    "OutboxMessage",
    "Subscription",
    "subscription_service",
    "KINDS",
    "Announcement",
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
    "SeedMark",
    "ROLES",
    "Service",
    "SubProcessor",
    "User",
    "contract_service",
]
