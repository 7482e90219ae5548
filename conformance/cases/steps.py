"""The parts of a step beyond one HTTP request: WebSocket actions, not-offered rules, repeats.

Kept apart from parse.py so that the request/response core stays small; parse.py calls
these for the keys the schema already admitted.
"""

from __future__ import annotations

from typing import Any

from .model import NotOfferedRule, Repeat, RequestSpec, WsAction

# Template heads that are not instance names: ${uid.NAME} is a fresh UID of the case
# (e.g. a Transaction UID the user agent mints, §11.7.1.4); ${aet.NAME} an AE title of the case.
GENERATED_HEADS = frozenset({"uid", "aet"})

# Checks that judge the events a WebSocket receive step collected, not an HTTP response.
EVENT_CHECKS = frozenset({"event_reports", "events"})


def websocket_action(raw: dict[str, Any]) -> WsAction:
    action = next(a for a in ("open", "receive", "close") if a in raw)
    return WsAction(action=action, channel=str(raw[action]), subscription=raw.get("subscription"), aet=raw.get("aet"),
                    within=float(raw.get("within", 5.0)), count=raw.get("count"))


def websocket_request(ws: WsAction) -> RequestSpec:
    """The HTTP side of a WebSocket step: opening is a GET with Upgrade (§8.10.4.1); the others send nothing."""
    path = ws.subscription or (f"/ws/subscribers/{ws.aet}" if ws.aet else "")
    return RequestSpec(method="GET", path=path)


def websocket_problem(ws: WsAction, checks: list[str]) -> str | None:
    """What is wrong with a WebSocket step that the schema cannot say, or None."""
    if ws.action == "open" and not (ws.subscription or ws.aet):
        return "a websocket open needs 'subscription' (the Subscribe response's Content-Location) and/or 'aet'"
    if ws.action != "open" and (ws.subscription or ws.aet):
        return f"'subscription' and 'aet' belong to open, not to {ws.action}"
    if ws.action != "receive" and ws.count is not None:
        return "'count' belongs to receive"
    if ws.action == "receive":
        wrong = [c for c in checks if c not in EVENT_CHECKS]
        if wrong:
            return f"a receive step takes only event checks ({', '.join(sorted(EVENT_CHECKS))}), not {', '.join(wrong)}"
    elif any(c in EVENT_CHECKS for c in checks):
        return f"event checks belong to a websocket receive step, not to {ws.action}"
    return None


def not_offered_rule(raw: dict[str, Any] | None) -> NotOfferedRule | None:
    if raw is None:
        return None
    return NotOfferedRule(status=tuple(int(s) for s in raw["status"]), reason=str(raw["reason"]), warning=raw.get("warning"))


def repeat_rule(raw: dict[str, Any] | None) -> Repeat | None:
    if raw is None:
        return None
    return Repeat(while_status=int(raw["while_status"]), within=float(raw.get("within", 30.0)))


def uid_placement_problem(spec: RequestSpec) -> str | None:
    if spec.workitem_uid is not None and spec.transaction_uid is not None:
        return "give workitem_uid (Create) or transaction_uid (Update), not both"
    if spec.form is None:
        return None
    create_forms = ("dataset", "query", "query-named")
    if spec.workitem_uid is not None and spec.form not in create_forms:
        return f"form {spec.form!r} is not a create form ({', '.join(create_forms)})"
    if spec.transaction_uid is not None and spec.form in create_forms:
        return f"form {spec.form!r} is a create form; transaction_uid takes a Transaction UID form"
    if spec.workitem_uid is None and spec.transaction_uid is None:
        return "'form' needs workitem_uid or transaction_uid"
    return None
