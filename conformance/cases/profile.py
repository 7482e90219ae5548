"""Edition differences a target is tested under: explicit, named, never guessed.

Some rules read differently from one edition (or one reading of an edition) to the
next. A case that depends on such a rule takes the target's choice from the profile
(``--dicomweb-profile KEY=VALUE``, repeatable); a case that checks one edition's form
pins it in the case file and says so with ``edition:``. The harness never accepts
several forms at once: a server that uses another spelling fails the cases; run it
again under the profile that names its spelling.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields, replace

from ..errors import UsageError


@dataclass(frozen=True)
class Variant:
    key: str
    values: tuple[str, ...]  # the first is the default
    doc: str


VARIANTS: dict[str, Variant] = {v.key: v for v in (
    Variant("ups-create", ("dataset", "query", "query-named"),
            "where Create Workitem puts the Workitem UID (PS3.18 2024e §11.4.1.1): dataset = POST /workitems with "
            "SOP Instance UID in the payload (the Worklist target); query = POST /workitems?{uid} (RFC 6570 reading "
            "of ?{workitem}); query-named = POST /workitems?workitem={uid}"),
    Variant("ups-transaction-uid", ("transaction-uid", "bare", "Transaction-uid", "transaction"),
            "how Update Workitem sends the Transaction UID (§11.6.1 ?{transaction-uid}): transaction-uid={uid} "
            "(2019b-2024e spelling), bare ?{uid} (RFC 6570 reading), Transaction-uid={uid} (2025e), transaction={uid} (2014c)"),
    Variant("notification-path", ("content-location", "ws-subscribers"),
            "where the event channel is opened (§8.10.4, Table 11.10.3-2): content-location = the ws(s) URL the "
            "Subscribe response names; ws-subscribers = {base}/ws/subscribers/{aetitle} (a fixed path older texts "
            "and some servers use)"),
)}


@dataclass(frozen=True)
class Profile:
    ups_create: str = "dataset"
    ups_transaction_uid: str = "transaction-uid"
    notification_path: str = "content-location"

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> "Profile":
        profile = cls()
        for key, value in pairs:
            check_variant(key, value)
            profile = replace(profile, **{key.replace("-", "_"): value})
        return profile

    def get(self, key: str) -> str:
        return str(getattr(self, key.replace("-", "_")))

    def describe(self) -> str:
        return ", ".join(f"{f.name.replace('_', '-')}={getattr(self, f.name)}" for f in fields(self))


def check_variant(key: str, value: str) -> None:
    variant = VARIANTS.get(key)
    if variant is None:
        raise UsageError(f"unknown profile key {key!r}; known: {', '.join(sorted(VARIANTS))}")
    if value not in variant.values:
        raise UsageError(f"profile {key}: {value!r} is not one of {', '.join(variant.values)}")


def parse_variant(text: str) -> tuple[str, str]:
    """argparse type of --dicomweb-profile: KEY=VALUE, checked at once (a usage error, not 100 case errors)."""
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE, e.g. ups-create=query")
    try:
        check_variant(key.strip(), value.strip())
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return key.strip(), value.strip()


PROFILE_HELP = "an edition difference to test under, KEY=VALUE (repeatable): " + "; ".join(
    f"{v.key} = {'|'.join(v.values)}" for v in VARIANTS.values())
