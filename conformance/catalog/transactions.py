"""The transaction vocabulary shared by the catalog, case files and reports."""

from __future__ import annotations

# transaction id -> human title; the part before the dot is the service.
TRANSACTIONS: dict[str, str] = {
    "general": "General HTTP and content negotiation",
    "studies.retrieve": "Studies - Retrieve (WADO-RS)",
    "studies.store": "Studies - Store (STOW-RS)",
    "studies.search": "Studies - Search (QIDO-RS)",
    "studies.rendered": "Studies - Retrieve rendered",
    "studies.thumbnail": "Studies - Retrieve thumbnail",
    "worklist.create": "Worklist - Create",
    "worklist.retrieve": "Worklist - Retrieve",
    "worklist.update": "Worklist - Update",
    "worklist.change-state": "Worklist - Change State",
    "worklist.request-cancellation": "Worklist - Request Cancellation",
    "worklist.search": "Worklist - Search",
    "worklist.subscribe": "Worklist - Subscribe",
    "worklist.unsubscribe": "Worklist - Unsubscribe",
    "worklist.suspend-subscription": "Worklist - Suspend Global Subscription",
    "notifications": "Notifications (event channel)",
    "capabilities": "Capabilities (OPTIONS)",
    "uri.retrieve": "URI service (WADO-URI)",
    "npi.retrieve": "Non-Patient Instances - Retrieve",
    "npi.store": "Non-Patient Instances - Store",
    "npi.search": "Non-Patient Instances - Search",
    "storage-commitment": "Storage Commitment",
    "model.json": "DICOM JSON Model",
    "model.xml": "Native DICOM Model (XML)",
}

SERVICE_TITLES: dict[str, str] = {
    "general": "General",
    "studies": "Studies service",
    "worklist": "Worklist service",
    "notifications": "Notifications",
    "capabilities": "Capabilities",
    "uri": "URI service",
    "npi": "Non-Patient Instance service",
    "storage-commitment": "Storage Commitment service",
    "model": "Data models",
}


def service_of(transaction: str) -> str:
    return transaction.split(".", 1)[0]
