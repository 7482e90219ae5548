"""The check registry and the built-in checks (imported here, explicitly, to register them)."""

from . import dicom_json, http, retrieve, search, store  # noqa: F401  (registration)
from .registry import REGISTRY, Check, Registry, check

__all__ = ["REGISTRY", "Check", "Registry", "check"]
