"""The check registry and the built-in checks (imported here, explicitly, to register them)."""

from . import dicom_json, http, retrieve, search, store  # noqa: F401  (registration)
from . import bulkdata, conditional, frames, metadata, rendered  # noqa: F401  (retrieve/store depth)
from . import search_media, search_paging, search_returns, search_values, search_warning  # noqa: F401
from . import capabilities, commitment, notifications, worklist  # noqa: F401  (Worklist, NPI, Capabilities, Storage Commitment)
from .registry import REGISTRY, Check, Registry, check

__all__ = ["REGISTRY", "Check", "Registry", "check"]
