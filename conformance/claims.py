"""What the server claims to support: optional features gate cases.

A vendor writes a claims file (YAML, schema in claims.schema.json):

    server: Example PACS 4.2          # free text, goes into the report
    features:
      thumbnails: true
      fuzzy-matching: false

Without a file, the defaults below apply (the documented default: every optional
feature unclaimed, so its cases are skipped as "not claimed"). Mandatory features are
always claimed; a file that sets one to false is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .settings_file import load_checked_yaml


@dataclass(frozen=True)
class Feature:
    name: str
    mandatory: bool
    summary: str
    section: str


FEATURES: dict[str, Feature] = {f.name: f for f in (
    # Mandatory for an origin server of the Studies service in 2024e (cannot be claimed away).
    Feature("studies-store", True, "Store transaction (STOW-RS)", "10.5"),
    Feature("studies-search", True, "Search transaction (QIDO-RS)", "10.6"),
    Feature("studies-retrieve", True, "Retrieve transaction (WADO-RS) incl. metadata and frames", "10.4"),
    Feature("rendered", True, "rendered resources of study, series, instance and frames", "10.4.1.1.3"),
    Feature("xml", True, "DICOM XML (application/dicom+xml) responses", "8.7.3.2"),
    Feature("capabilities", True, "Retrieve Capabilities (OPTIONS, WADL): every RESTful service implements it", "8.9"),
    Feature("store-metadata-bulkdata", True, "store of Metadata and Bulkdata: JSON is the default and XML a required "
            "store media type (Table 10.5.4-1)", "10.5.4"),
    # Optional.
    Feature("thumbnails", False, "thumbnail resources (all four levels)", "10.4.1.1.4"),
    Feature("bulkdata-resources", False, "/bulkdata resources of study, series, instance", "10.4.1.1.5"),
    Feature("pixeldata-resources", False, "/pixeldata resources", "10.4.1.1.6"),
    Feature("rendered-mpr", False, "/renderedmpr resources", "10.4.1.1.7"),
    Feature("rendered-3d", False, "/rendered3d resources", "10.4.1.1.8"),
    Feature("fuzzy-matching", False, "fuzzy person name matching", "8.3.4.2"),
    Feature("empty-value-matching", False, "emptyvaluematching", "8.3.4.5"),
    Feature("multiple-value-matching", False, "multiplevaluematching", "8.3.4.6"),
    Feature("compressed-transfer-syntaxes", False, "retrieve in compressed transfer syntaxes", "8.7.3.1"),
    Feature("uri-service", False, "URI service (WADO-URI)", "9"),
    Feature("worklist", False, "Worklist service (UPS-RS)", "11"),
    Feature("notifications", False, "UPS event notifications over WebSocket", "8.10"),
    Feature("npi", False, "Non-Patient Instance service", "12"),
    Feature("storage-commitment", False, "Storage Commitment service", "13"),
)}

# Optional features claimed when no claims file says otherwise. The URI service is claimed by
# default only when the user names its endpoint (--uri-url); see Claims.default().
DEFAULT_CLAIMED: frozenset[str] = frozenset()

SCHEMA_FILE = Path(__file__).with_name("claims.schema.json")


def claims_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dicomweb-conformance claims file",
        "type": "object",
        "additionalProperties": False,
        "required": ["features"],
        "properties": {
            "server": {"type": "string", "description": "the product and version these claims describe"},
            "features": {
                "type": "object",
                "additionalProperties": False,
                "properties": {name: {"type": "boolean", "description": f"{f.summary} (PS3.18 §{f.section})"
                                      + (" — mandatory, cannot be false" if f.mandatory else "")}
                               for name, f in FEATURES.items()},
            },
        },
    }


@dataclass(frozen=True)
class Claims:
    claimed: frozenset[str]
    source: str  # where the claims came from, for the report

    def covers(self, feature: str | None) -> bool:
        if feature is None:
            return True
        known = FEATURES.get(feature)
        return known is None or known.mandatory or feature in self.claimed

    @classmethod
    def default(cls, uri_service: bool = False) -> "Claims":
        extra = {"uri-service"} if uri_service else set()
        return cls(frozenset(DEFAULT_CLAIMED | extra), "documented default (no claims file)")


def load_claims(path: str) -> Claims:
    raw = load_checked_yaml(path, claims_schema(), "--claims")
    features: dict[str, bool] = raw["features"]
    refused = sorted(n for n, v in features.items() if not v and FEATURES[n].mandatory)
    if refused:
        raise UsageError(f"--claims {path}: {', '.join(refused)} mandatory in PS3.18 and cannot be claimed away")
    return Claims(frozenset(n for n, v in features.items() if v), f"claims file {path}")


def schema_text() -> str:
    return json.dumps(claims_schema(), indent=2) + "\n"
