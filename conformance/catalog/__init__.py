"""The requirement catalog: PS3.18 requirements with stable ids, sections and levels."""

from .catalog import Catalog, Requirement, load_catalog, section_url
from .transactions import SERVICE_TITLES, TRANSACTIONS, service_of

__all__ = ["Catalog", "Requirement", "load_catalog", "section_url", "TRANSACTIONS", "SERVICE_TITLES", "service_of"]
