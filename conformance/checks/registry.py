"""Named checks that case files compose.

A check is one small function ``(ctx, arg) -> Outcome`` registered with the JSON
Schema of its argument. It returns nothing when the response meets the
expectation, or the message(s) saying how it does not. Checks never raise for a
non-conforming server; they raise only for harness or target trouble.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import CheckContext

Outcome = None | str | Iterable[str]


class NotApplicable(Exception):
    """The answer conforms but leaves the check nothing to judge (e.g. no BulkDataURI to follow,
    which §10.4.3.3.2 permits): the case ends as a skip that says so, never as a pass."""
CheckFunc = Callable[["CheckContext", Any], Outcome]


@dataclass(frozen=True)
class Check:
    name: str
    func: CheckFunc
    schema: dict[str, Any]
    doc: str
    requirement: str | None  # the requirement a failure of this check breaks by default


class Registry:
    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def register(self, name: str, schema: dict[str, Any], requirement: str | None = None) -> Callable[[CheckFunc], CheckFunc]:
        def decorate(func: CheckFunc) -> CheckFunc:
            if name in self._checks:
                raise ValueError(f"check {name!r} registered twice")
            doc = " ".join((func.__doc__ or "").split())
            if not doc:
                raise ValueError(f"check {name!r} needs a docstring: it becomes the schema description")
            self._checks[name] = Check(name, func, schema, doc, requirement)
            return func

        return decorate

    def get(self, name: str) -> Check | None:
        return self._checks.get(name)

    def checks(self) -> list[Check]:
        return [self._checks[k] for k in sorted(self._checks)]


REGISTRY = Registry()
check = REGISTRY.register


def messages(outcome: Outcome) -> list[str]:
    if outcome is None:
        return []
    if isinstance(outcome, str):
        return [outcome]
    return [m for m in outcome if m]
