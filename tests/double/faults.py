"""The double's switches: one per requirement it can be made to break, and its conformant settings.

The double follows PS3.18 2024e by default. Switching a fault on makes it break exactly one
requirement (the description says which, with the section), so a test can show that the
cases checking that requirement then fail. Settings choose between answers the standard
allows (a filtered subscription refused with 403, a commitment answered later with 202) or
between the spellings editions disagree on; they are not faults.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FAULTS: dict[str, str] = {
    # Worklist: Create (§11.4)
    "create-no-location": "201 without the Location header (§11.4.2, Table 11.4.3-2)",
    "create-status-200": "a created workitem answered 200 instead of 201 (Table 11.4.3-1)",
    "create-with-payload": "a successful create carries a payload (§11.4.3.3 should have none)",
    "create-not-scheduled": "a created workitem starts IN PROGRESS instead of SCHEDULED (§11.4.2)",
    "create-duplicate-accepted": "creating an existing workitem again answers 201 (Table 11.4.3-1: 409)",
    "create-accepts-invalid": "payloads that break the N-CREATE requirements are accepted (Table 11.4.3-1: 400)",
    "create-ignores-query-uid": "the ?{workitem} UID is ignored and a UID of the server's own is used (§11.4.1.1)",
    "create-needs-query-uid": "the Worklist target (the UID in the dataset) is refused with 400 (§11.4.1.1)",
    "create-accepts-any-payload": "a payload that is not one workitem is accepted under a UID of the server's own (§11.4.1.4)",
    # Worklist: Retrieve (§11.5)
    "retrieve-leaks-transaction-uid": "retrieved workitems carry the Transaction UID (§11.5.2)",
    "retrieve-unknown-204": "an unknown workitem answers 204 (Table 11.5.3-1: 404)",
    "worklist-no-length": "retrieve and search answers carry neither Content-Length nor Transfer-Encoding (Tables 11.5.3-2, 11.9.3-2)",
    "retrieve-final-server-error": "retrieving a COMPLETED workitem fails with 500 (§11.5.2 allows a refusal, not an error)",
    "retrieve-no-xml": "multipart/related; type=application/dicom+xml refused with 406 (Table 11.1.3-1)",
    "retrieve-metadata-served": "/workitems/{uid}/metadata answers 200 (§11.1.3: no metadata resources)",
    "retrieve-wrong-media-type": "workitems sent as application/json, not application/dicom+json (Table 11.1.3-1)",
    # Worklist: Update (§11.6)
    "update-ignores-transaction-uid": "IN PROGRESS workitems are updated without or with a wrong Transaction UID (Table 11.6.3-1)",
    "update-final-allowed": "COMPLETED and CANCELED workitems can be updated (§11.6.2)",
    "update-not-applied": "updates answer 200 but change nothing (§11.6.2)",
    "update-no-warning": "refused updates carry no Warning (§11.6.3.2)",
    "update-unknown-200": "updating an unknown workitem answers 200 (Table 11.6.3-1: 404)",
    "update-state-allowed": "an update may change Procedure Step State (§11.6.2 via PS3.4 CC.2.6.3)",
    "update-scheduled-conflict": "updates of SCHEDULED workitems answer 409 (neither applied nor refused as §11.6.3 says)",
    # Worklist: Change State (§11.7)
    "state-ignores-transaction-uid": "state changes are made without or with a wrong Transaction UID (Table 11.7.3-1)",
    "state-any-transition": "every requested state is taken, whatever the current one (§11.7.2, PS3.4 CC.1.1)",
    "state-no-warning": "refused or repeated state changes carry no Warning (§11.7.3.2)",
    "state-with-payload": "successful state changes carry a payload (§11.7.3.3)",
    "state-unknown-200": "changing the state of an unknown workitem answers 200 (Table 11.7.3-1: 404)",
    "state-accepts-illegal-value": "a requested state other than IN PROGRESS, COMPLETED, CANCELED is taken (§11.7.1.4)",
    # Worklist: Request Cancellation (§11.8)
    "cancel-status-200": "accepted cancellation requests answer 200, not 202 (Table 11.8.3-1)",
    "cancel-final-accepted": "cancellation of a COMPLETED workitem is accepted (Table 11.8.3-1: 409)",
    "cancel-no-warning": "a request to cancel a CANCELED workitem lacks the Warning (Table 11.8.3-2)",
    "cancel-unknown-202": "cancellation of an unknown workitem is accepted (Table 11.8.3-1: 404)",
    "cancel-accepts-garbage": "a cancellation request whose payload is not a dataset is accepted (Table 11.8.3-1: 400)",
    "cancel-scheduled-server-error": "a cancellation request for a SCHEDULED workitem fails with 500 (Table 11.8.3-1: 202 or 409)",
    # Worklist: Search (§11.9)
    "search-ignores-matching": "every workitem is returned whatever the query (§11.9.2, §8.3.4)",
    "search-drops-last-match": "the last matching workitem is left out of every result (§11.9.2, §8.3.4)",
    "search-empty-200": "no match answers 200 with an empty array (Table 11.9.3-1: 204)",
    "search-bad-parameter-200": "an invalid query parameter is ignored (Table 11.9.3-1: 400)",
    "search-missing-return-keys": "results hold only the SOP Instance UID (§11.9.2 return keys)",
    "search-ignores-limit": "limit is ignored (§8.3.4.4)",
    "search-cached": "results are served from a cache, even with Cache-Control: no-cache (Table 11.9.1-1)",
    "search-no-xml": "multipart/related; type=application/dicom+xml refused with 406 (Table 11.1.3-1)",
    # Worklist: Subscribe, Unsubscribe, Suspend (§11.10-§11.12)
    "subscribe-status-200": "a created subscription answers 200, not 201 (Table 11.10.3-1)",
    "subscribe-http-location": "Content-Location names an http:// URL, not ws:// (Table 11.10.3-2)",
    "subscribe-unknown-201": "subscribing to an unknown workitem answers 201 (Table 11.10.3-1: 404)",
    "subscribe-bad-deletionlock-201": "deletionlock=maybe is accepted (Table 11.10.1-2, Table 11.10.3-1: 400)",
    "subscribe-deletionlock-wrong-warning": "a refused deletion lock is announced with a Warning text of its own (Table 11.10.3-2)",
    "subscribe-filter-403-silent": "filtered subscriptions refused with 403 but without the Warning (Table 11.10.3-2)",
    "subscribe-filter-unchecked": "a filtered worklist subscription is accepted without a filter or with a malformed one (§11.10.1.2)",
    "subscribe-any-aet": "a subscriber name that is not an AE title is accepted (Table 11.10.3-1: 400)",
    "unsubscribe-status-204": "a removed subscription answers 204, not 200 (Table 11.11.3-1)",
    "unsubscribe-unknown-200": "removing a subscription that does not exist answers 200 (Table 11.11.3-1: 404)",
    "unsubscribe-keeps-sending": "events keep arriving after unsubscribing (§11.11)",
    "suspend-status-204": "a suspended subscription answers 204, not 200 (Table 11.12.3-1)",
    "suspend-unknown-200": "suspending a global subscription that does not exist answers 200 (Table 11.12.3-1: 404)",
    "suspend-drops-workitem-subscriptions": "suspending also removes the subscriptions to single workitems (§11.12)",
    "suspend-keeps-subscribing": "after suspending, new workitems are still subscribed to (§11.12)",
    "suspend-workitem-accepted": "suspend on a workitem subscription answers 200 (Table 11.12.1-1: worklists only)",
    # Notifications (§8.10, §11.13)
    "ws-bad-accept": "the 101 answer carries a wrong Sec-WebSocket-Accept (RFC 6455 §4.2.2, Table 8.10.4-3)",
    "ws-malformed-upgrade-accepted": "an upgrade request without Sec-WebSocket-Key is not answered 400 (Table 8.10.4-2)",
    "ws-binary-frames": "event reports are sent in binary frames (§8.10.5.1.1: text)",
    "ws-no-reconnect": "a subscriber that closed its channel cannot open it again (§8.10.4.2)",
    "ws-closes-early": "the server closes the channel 0.2 s after opening it (§8.10.4.2)",
    "events-no-initial-report": "no UPS State Report follows a subscription (§11.13, PS3.4 CC.2.3.3)",
    "events-missing-state": "State Reports lack Procedure Step State (§11.13, PS3.4 Table CC.2.4-1)",
    "events-wrong-sop-class": "reports name the UPS Push SOP Class instead of the UPS Event SOP Class (§11.13)",
    "events-reordered": "reports are sent in reverse order of their events (§11.13)",
    "events-no-cancel-requested": "a cancellation request sends no UPS Cancel Requested report (§11.8.2, PS3.4 CC.2.2.3)",
    "events-global-ignores-new": "a worklist subscription does not cover workitems created later (§11.10.1.2, CC.2.3.3)",
    "events-filter-ignored": "a filtered subscription reports workitems that do not match the filter (§11.10.1.2)",
    "events-state-not-reported": "state changes are not reported (§11.13)",
    # Capabilities (§8.9, Annexes G, H)
    "options-404": "OPTIONS on the base URI answers 404 (§8.9)",
    "wadl-text-xml": "the description is sent as text/xml (§8.9.4)",
    "wadl-two-resources": "the description holds two resources elements (Annex H)",
    "wadl-wrong-base": "the resources base is not the service's base URL (Annex H)",
    "wadl-unknown-resource": "the description declares a top-level resource Table H-1 does not know (Annex H)",
    "wadl-declares-unserved": "the description declares a GET resource the double does not serve (Annex H)",
    "wadl-omits-workitems": "the description leaves out the worklist resources (§11.2)",
    "wadl-omits-npi": "the description leaves out the NPI resources (§12.4.1.1)",
    "wadl-omits-commitment": "the description leaves out commitment-requests (§13.2)",
    "wadl-json-doc-object": "the JSON form writes doc as an object (G.2.1)",
    "wadl-json-param-object": "the JSON form writes param as an object (G.2.3)",
    "options-304-unconditional": "OPTIONS answers 304 without If-None-Match (Table 8.9.3-1)",
    "options-no-length": "the description comes without Content-Length or Transfer-Encoding (Table 8.9.3-2)",
    # Non-Patient Instances (§12)
    "npi-store-201": "a stored NPI instance answers 201, not 200 (Table 12.5.3-1)",
    "npi-store-accepts-text": "a text/plain store body is accepted (Table 12.5.3-1: 415)",
    "npi-store-no-content-type": "store answers lack Content-Type (Table 12.5.3-2)",
    "npi-retrieve-octet-stream": "retrieved instances are labelled application/octet-stream (Table 12.1.3-1)",
    "npi-retrieve-unknown-200": "retrieving an absent NPI instance answers 200 (Table 12.4.3-1: 404)",
    "npi-retrieve-ignores-accept": "an unacceptable Accept still gets application/dicom (Table 12.4.3-1: 406)",
    "npi-retrieve-changes-data": "retrieved instances differ from what was stored (§12.4.2)",
    "npi-search-ignores-matching": "NPI search returns every instance whatever the query (§12.6.2)",
    "npi-search-empty-200": "no match answers 200 with an empty array (§12.6.2 via §8.3.4.4.1: 204)",
    "npi-search-bad-parameter-200": "an invalid query parameter is ignored (Table 12.6.3-1: 400)",
    "npi-no-xml": "multipart/related; type=application/dicom+xml refused (Table 12.1.3-1)",
    "npi-no-json": "application/dicom+json, the default, refused with 406 by retrieve and search (Table 12.1.3-1)",
    # Storage Commitment (§13)
    "commit-transaction-uid-reuse": "a Transaction UID already in use is accepted again (Table 13.4.3-1: 409)",
    "commit-accepts-garbage": "a request without a Storage Commitment Request Module is accepted (Table 13.4.3-1: 400)",
    "commit-unknown-result-200": "a result check of an unknown Transaction UID answers 200 (Table 13.5.3-1: 404)",
    "commit-202-with-payload": "202 answers carry a payload (§13.4.3.3)",
    "commit-fails-everything": "every referenced instance is reported as failed, stored or not (Annex J.2)",
    "commit-commits-anything": "every referenced instance is reported committed, held or not, whatever its class (Annex J.2)",
    "commit-wrong-form": "a flat request is answered in the study-tree form and a tree request flat (Annex J.2)",
    "commit-no-length": "results carry neither Content-Length nor Transfer-Encoding (§13.4.3.2, §8.4.3)",
    "commit-no-failure-reason": "failed items carry no Failure Reason (Table J.2-1)",
    "commit-echoes-transaction-uid": "the response module carries the Transaction UID (§13.4.1.1)",
    "commit-retry-after-date": "Retry-After is sent as an HTTP date (Table 13.4.3-2: seconds)",
    "commit-no-xml": "application/dicom+xml answers refused with 406 (Table 13.1.3-1)",
}


@dataclass
class Settings:
    """Conformant choices and edition spellings (not faults)."""

    create_query: str = "bare"  # how ?{workitem} is read: bare (RFC 6570) or named (workitem=)
    transaction_uid_param: str = "transaction-uid"  # bare, transaction-uid, Transaction-uid or transaction
    ws_path: str = "content-location"  # content-location (a channel URL of the double's choosing) or ws-subscribers
    filtered_subscriptions: bool = True  # False: 403 with the Warning of Table 11.10.3-2
    commitment_async: bool = False  # True: 202 first, the result on a later Result Check (§13.4.2)
    npi_store: bool = True  # False: Store is not offered (optional, Table 12.2-1): 405
    faults: set[str] = field(default_factory=set)

    def on(self, fault: str) -> bool:
        assert fault in FAULTS, f"unknown fault {fault!r}"
        return fault in self.faults
