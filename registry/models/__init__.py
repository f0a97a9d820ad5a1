"""The domain model; one module per aggregate."""
from .announcement import KINDS, Announcement, RegistryVersion, announcement_service
from .audit import AuditEntry
from .customer import CustomerContract, Organisation, contract_service
from .processor import ContractTerms, Processor, Service
from .subprocessor import AnnexListing, Engagement, Location, SubProcessor
from .user import ROLES, User

__all__ = [
    "KINDS",
    "Announcement",
    "RegistryVersion",
    "announcement_service",
    "AnnexListing",
    "AuditEntry",
    "ContractTerms",
    "CustomerContract",
    "Engagement",
    "Location",
    "Organisation",
    "Processor",
    "ROLES",
    "Service",
    "SubProcessor",
    "User",
    "contract_service",
]
