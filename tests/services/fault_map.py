"""Which cases each switch of the double must make fail.

A row reads: with this fault on (and these settings), every listed case fails. Every case of
the other services appears in at least one row, and every fault of the double in exactly one,
so each case is shown able to fail and each switch shown to be noticed.
"""

from __future__ import annotations

from typing import Any

NPI = ("color-palettes", "defined-procedure-protocols", "hanging-protocols", "implant-templates", "inventories")


def _npi(suffix: str) -> list[str]:
    return [f"npi-{name}-{suffix}" for name in NPI]


BREAKS: dict[str, list[str]] = {
    # Create
    "create-no-location": ["ups-create-201-location", "ups-create-location-resolves", "ups-create-uid-in-query"],
    "create-status-200": ["ups-create-201-location", "ups-create-no-payload", "ups-create-duplicate-409"],
    "create-with-payload": ["ups-create-no-payload"],
    "create-not-scheduled": ["ups-create-starts-scheduled", "ups-retrieve-json"],
    "create-duplicate-accepted": ["ups-create-duplicate-409"],
    "create-accepts-invalid": ["ups-create-in-progress-400", "ups-create-without-label-400", "ups-create-without-priority-400"],
    "create-accepts-any-payload": ["ups-create-not-a-dataset-400", "ups-create-two-workitems-400"],
    "create-ignores-query-uid": ["ups-create-uid-in-query"],
    "create-needs-query-uid": ["ups-create-uid-in-dataset", "ups-create-201-location"],
    # Retrieve
    "retrieve-leaks-transaction-uid": ["ups-retrieve-hides-transaction-uid"],
    "retrieve-unknown-204": ["ups-retrieve-unknown-404"],
    "worklist-no-length": ["ups-retrieve-payload-headers", "ups-search-payload-headers"],
    "retrieve-final-server-error": ["ups-retrieve-final-state"],
    "retrieve-no-xml": ["ups-retrieve-xml"],
    "retrieve-metadata-served": ["ups-retrieve-no-metadata-resource"],
    "retrieve-wrong-media-type": ["ups-retrieve-json", "ups-retrieve-default-media-type"],
    # Update
    "update-ignores-transaction-uid": ["ups-update-missing-transaction-uid-400", "ups-update-wrong-transaction-uid-400"],
    "update-final-allowed": ["ups-update-completed-400", "ups-update-canceled-400"],
    "update-not-applied": ["ups-update-claimed-applied"],
    "update-no-warning": ["ups-update-missing-transaction-uid-400", "ups-update-completed-400"],
    "update-unknown-200": ["ups-update-unknown-404"],
    "update-state-allowed": ["ups-update-cannot-change-state"],
    "update-scheduled-conflict": ["ups-update-scheduled"],
    # Change State
    "state-ignores-transaction-uid": ["ups-state-missing-transaction-uid-400", "ups-state-wrong-transaction-uid-400"],
    "state-any-transition": ["ups-state-claim-twice-conflict", "ups-state-scheduled-to-completed-refused",
                             "ups-state-completed-cannot-be-claimed"],
    "state-no-warning": ["ups-state-missing-transaction-uid-400", "ups-state-already-completed-warning",
                         "ups-state-already-canceled-warning"],
    "state-with-payload": ["ups-state-claim", "ups-state-complete", "ups-state-owner-cancels"],
    "state-unknown-200": ["ups-state-unknown-404"],
    "state-accepts-illegal-value": ["ups-state-illegal-value-400"],
    # Request Cancellation
    "cancel-status-200": ["ups-cancel-in-progress-202", "ups-cancel-without-payload-202"],
    "cancel-final-accepted": ["ups-cancel-completed-409"],
    "cancel-no-warning": ["ups-cancel-already-canceled-warning"],
    "cancel-unknown-202": ["ups-cancel-unknown-404"],
    "cancel-accepts-garbage": ["ups-cancel-bad-payload-400"],
    "cancel-scheduled-server-error": ["ups-cancel-scheduled"],
    # Search
    "search-ignores-matching": ["ups-search-matching-excludes", "ups-search-state-matching", "ups-search-by-uid"],
    "search-drops-last-match": ["ups-search-by-patient", "ups-search-by-uid"],
    "search-empty-200": ["ups-search-no-match-204"],
    "search-bad-parameter-200": ["ups-search-invalid-parameter-400"],
    "search-missing-return-keys": ["ups-search-return-keys", "ups-search-includefield"],
    "search-ignores-limit": ["ups-search-limit"],
    "search-cached": ["ups-search-no-cache"],
    "search-no-xml": ["ups-search-xml"],
    # Subscribe, Unsubscribe, Suspend
    "subscribe-status-200": ["ups-subscribe-workitem-201"],
    "subscribe-http-location": ["ups-subscribe-workitem-201", "ups-subscribe-worklist-201"],
    "subscribe-unknown-201": ["ups-subscribe-unknown-workitem-404"],
    "subscribe-bad-deletionlock-201": ["ups-subscribe-bad-deletionlock-400"],
    "subscribe-deletionlock-wrong-warning": ["ups-subscribe-deletion-lock"],
    "subscribe-filter-403-silent": ["ups-subscribe-filtered-201"],
    "subscribe-filter-unchecked": ["ups-subscribe-filtered-without-filter-400", "ups-subscribe-filtered-bad-filter-400"],
    "subscribe-any-aet": ["ups-subscribe-bad-aet-400"],
    "unsubscribe-status-204": ["ups-unsubscribe-workitem-200", "ups-unsubscribe-worklist-200", "ups-unsubscribe-filtered-200"],
    "unsubscribe-unknown-200": ["ups-unsubscribe-unknown-404", "ups-unsubscribe-twice-404"],
    "unsubscribe-keeps-sending": ["notify-nothing-after-unsubscribe", "notify-nothing-after-worklist-unsubscribe"],
    "suspend-status-204": ["ups-suspend-worklist-200", "ups-suspend-filtered-200"],
    "suspend-unknown-200": ["ups-suspend-unknown-404"],
    "suspend-drops-workitem-subscriptions": ["notify-suspend-keeps-workitem-subscriptions"],
    "suspend-keeps-subscribing": ["notify-suspend-keeps-workitem-subscriptions"],
    "suspend-workitem-accepted": ["ups-suspend-workitem-refused"],
    # Notifications
    "ws-bad-accept": ["notify-channel-opens-101"],
    "ws-malformed-upgrade-accepted": ["notify-malformed-upgrade-400"],
    "ws-binary-frames": ["notify-claim-reported"],
    "ws-no-reconnect": ["notify-reconnect"],
    "ws-closes-early": ["notify-channel-stays-open"],
    "events-no-initial-report": ["notify-initial-state-report"],
    "events-missing-state": ["notify-claim-reported", "notify-reports-in-order"],
    "events-wrong-sop-class": ["notify-claim-reported"],
    "events-reordered": ["notify-reports-in-order"],
    "events-no-cancel-requested": ["notify-cancel-requested-reported"],
    "events-global-ignores-new": ["notify-worklist-covers-new-workitems"],
    "events-filter-ignored": ["notify-filtered-matching-only"],
    "events-state-not-reported": ["notify-claim-reported", "notify-worklist-covers-new-workitems"],
    # Capabilities
    "options-404": ["capabilities-options-base-uri", "capabilities-wadl-xml"],
    "wadl-text-xml": ["capabilities-wadl-xml", "capabilities-options-on-a-resource"],
    "wadl-two-resources": ["capabilities-wadl-xml", "capabilities-wadl-json"],
    "wadl-wrong-base": ["capabilities-wadl-xml"],
    "wadl-unknown-resource": ["capabilities-wadl-xml", "capabilities-wadl-json"],
    "wadl-declares-unserved": ["capabilities-declared-resources-answer"],
    "wadl-omits-workitems": ["capabilities-declares-worklist"],
    "wadl-omits-npi": [f"capabilities-declares-{name}" for name in NPI] + ["capabilities-declares-an-npi-category"],
    "wadl-omits-commitment": ["capabilities-declares-commitment"],
    "wadl-json-doc-object": ["capabilities-wadl-json"],
    "wadl-json-param-object": ["capabilities-wadl-json"],
    "options-304-unconditional": ["capabilities-no-304-without-condition"],
    "options-no-length": ["capabilities-response-headers"],
    # Non-Patient Instances
    "npi-store-201": _npi("store"),
    "npi-store-accepts-text": ["npi-store-unsupported-media-type-415"],
    "npi-store-no-content-type": _npi("store"),
    "npi-retrieve-octet-stream": _npi("retrieve"),
    "npi-retrieve-unknown-200": _npi("retrieve-absent-404"),
    "npi-retrieve-ignores-accept": ["npi-retrieve-unacceptable-406"],
    "npi-retrieve-changes-data": _npi("retrieve"),
    "npi-search-ignores-matching": _npi("search-finds-stored"),
    "npi-search-empty-200": ["npi-search-no-match-204"],
    "npi-search-bad-parameter-200": ["npi-search-invalid-parameter-400"],
    "npi-no-xml": ["npi-retrieve-xml", "npi-search-xml"],
    "npi-no-json": [*_npi("search"), "npi-retrieve-default-json"],
    # Storage Commitment
    "commit-transaction-uid-reuse": ["commit-transaction-uid-in-use-409"],
    "commit-accepts-garbage": ["commit-request-without-module-400", "commit-request-not-json-400"],
    "commit-unknown-result-200": ["commit-result-unknown-404"],
    "commit-202-with-payload": ["commit-flat-request"],
    "commit-fails-everything": ["commit-flat-request", "commit-tree-request"],
    "commit-commits-anything": ["commit-unknown-instance-fails", "commit-wrong-class-fails"],
    "commit-wrong-form": ["commit-flat-request", "commit-tree-request"],
    "commit-no-failure-reason": ["commit-unknown-instance-fails"],
    "commit-echoes-transaction-uid": ["commit-flat-request"],
    "commit-retry-after-date": ["commit-flat-request", "commit-result-headers"],
    "commit-no-xml": ["commit-result-xml", "commit-result-multipart-json"],
    "commit-no-length": ["commit-result-headers"],
}

# Settings a fault needs to show (the 202 path of §13.4.2 only exists when answers come later).
SETTINGS_FOR: dict[str, dict[str, Any]] = {
    "commit-202-with-payload": {"commitment_async": True},
    "commit-retry-after-date": {"commitment_async": True},
}
