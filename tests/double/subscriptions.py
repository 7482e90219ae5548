"""Subscribe, Unsubscribe and Suspend Global Subscription (PS3.18 §11.10-§11.12) in the double."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from .dicom import AET_RE, tag_of
from .events import Notifier
from .faults import Settings
from .http import Reply, Request, empty
from .worklist import Workitems

WORKLIST_UID = "1.2.840.10008.5.1.4.34.5"  # Table 11.1.1-1
FILTERED_UID = "1.2.840.10008.5.1.4.34.5.1"
GLOBALS = {WORKLIST_UID: "worklist", FILTERED_UID: "filtered"}


def channel_token(aet: str) -> str:
    return hashlib.sha256(aet.encode("utf-8")).hexdigest()[:20]


def channel_url(req: Request, settings: Settings, aet: str) -> str:
    """The event channel URL for Content-Location (Table 11.10.3-2: ws or wss)."""
    base = urlsplit(req.base_url)
    scheme = "http" if settings.on("subscribe-http-location") else "ws"
    path = f"/ws/subscribers/{aet}" if settings.ws_path == "ws-subscribers" else f"/events/{channel_token(aet)}"
    return f"{scheme}://{base.netloc}{base.path}{path}"


def parse_filter(value: str) -> list[tuple[str, str]] | None:
    """§11.10.1.2: filter = 1#(attribute "=" value); attributes of the UPS IOD. None if malformed."""
    pairs = []
    for item in value.split(","):
        name, sep, wanted = item.partition("=")
        tag = tag_of(name.strip())
        if not sep or tag is None:
            return None
        pairs.append((tag, wanted))
    return pairs or None


class Subscriptions:
    def __init__(self, settings: Settings, notifier: Notifier, workitems: Workitems) -> None:
        self.settings = settings
        self.notifier = notifier
        self.workitems = workitems

    def subscribe(self, req: Request, target: str, aet: str) -> Reply:
        if not AET_RE.match(aet) and not self.settings.on("subscribe-any-aet"):
            return empty(400)  # the {aetitle} is not an AE title
        params = dict(req.query)
        lock = params.get("deletionlock", "false")
        if lock not in ("true", "false") and not self.settings.on("subscribe-bad-deletionlock-201"):
            return empty(400)  # Table 11.10.1-2: true or false
        kind = GLOBALS.get(target)
        pairs: list[tuple[str, str]] = []
        if kind == "filtered":
            if not self.settings.filtered_subscriptions or self.settings.on("subscribe-filter-403-silent"):
                reply = empty(403)  # Table 11.10.3-1: filtering not supported
                if not self.settings.on("subscribe-filter-403-silent"):
                    reply.warn(req.base_url, "Filtered Worklist Subscriptions are not supported.")
                return reply
            unchecked = self.settings.on("subscribe-filter-unchecked")
            if "filter" not in params and not unchecked:
                return empty(400)  # Table 11.10.1-2: required for the Filtered Worklist
            parsed = parse_filter(params.get("filter", "")) if "filter" in params else []
            if parsed is None and not unchecked:
                return empty(400)
            parsed = parsed or []
            pairs = parsed
        if kind is None:
            item = self.workitems.get(target)
            if item is None and not self.settings.on("subscribe-unknown-201"):
                return empty(404)  # Table 11.10.3-1
            if item is not None:
                self.notifier.subscribe(aet, target, item.ds)
        else:
            self.notifier.subscribe_global(aet, kind, pairs, [(w.uid, w.ds) for w in self.workitems.all()])
        reply = empty(200 if self.settings.on("subscribe-status-200") else 201)
        reply.with_header("Content-Location", channel_url(req, self.settings, aet))  # Table 11.10.3-2
        if lock == "true":  # the double grants no deletion locks, and says so
            wrong = self.settings.on("subscribe-deletionlock-wrong-warning")
            reply.warn(req.base_url, "Deletion lock refused." if wrong else "Deletion Lock not granted.")
        return reply

    def unsubscribe(self, req: Request, target: str, aet: str) -> Reply:
        kind = GLOBALS.get(target)
        found = self.notifier.unsubscribe_global(aet, kind) if kind else self.notifier.unsubscribe(aet, target)
        if not found and not self.settings.on("unsubscribe-unknown-200"):
            return empty(404)  # Table 11.11.3-1
        return empty(204 if self.settings.on("unsubscribe-status-204") else 200)  # §11.11.3.3: no payload

    def suspend(self, req: Request, target: str, aet: str) -> Reply:
        kind = GLOBALS.get(target)
        if kind is None:
            if self.settings.on("suspend-workitem-accepted"):
                return empty(200)
            return empty(400)  # §11.12.1.1: only the Worklist and Filtered Worklist are suspended
        found = self.notifier.suspend(aet, kind)
        if not found and not self.settings.on("suspend-unknown-200"):
            return empty(404)  # Table 11.12.3-1
        return empty(204 if self.settings.on("suspend-status-204") else 200)  # §11.12.3.3: no payload
