"""What a model validator reports: one finding per broken rule, and the rule catalog entry behind it."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from .json_shapes import escape

ERROR = "error"  # violates the standard
WARNING = "warning"  # legal, but known to break clients (lint), or a conditional requirement we cannot decide

CONTEXTS = frozenset({"generic", "search", "metadata", "store-response", "store-request"})


class ModelValidationError(UsageError, ValueError):
    """Raised for misuse of the validators (e.g. an unknown context), never for a bad document."""


@dataclass(frozen=True)
class ModelFinding:
    rule: str  # stable rule id, e.g. "JSON-VR-MISSING"
    severity: str  # ERROR or WARNING
    location: str  # JSON pointer, or an XPath-like location for XML
    message: str  # one line: what is wrong, expected vs got where useful
    section: str  # "F.2.3" (PS3.18) or "PS3.19 A.1.6"

    def citation(self) -> str:
        """The section as a reader would look it up: PS3.18 unless another part is named."""
        if self.section.startswith("PS3."):
            part, _, rest = self.section.partition(" ")
            return f"{part} §{rest}" if rest else part
        return f"PS3.18 §{self.section}"


@dataclass(frozen=True)
class Rule:
    """One entry of the rule catalog: the id, the default severity, where the standard says it, and a summary."""

    id: str
    severity: str
    section: str
    summary: str

    def finding(self, location: str, message: str, *, severity: str | None = None) -> ModelFinding:
        return ModelFinding(self.id, severity or self.severity, location, message, self.section)


def check_context(context: str) -> None:
    if context not in CONTEXTS:
        raise ModelValidationError(f"unknown context {context!r}; expected one of {sorted(CONTEXTS)}")


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901) from path parts; the root is the empty string."""
    return "".join("/" + escape(part) for part in parts)
