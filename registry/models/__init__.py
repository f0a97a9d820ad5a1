"""The domain model; one module per aggregate."""
from .audit import AuditEntry
from .customer import CustomerContract, Organisation, contract_service
from .processor import ContractTerms, Processor, Service
from .subprocessor import AnnexListing, Engagement, Location, SubProcessor
from .user import ROLES, User

__all__ = [
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
