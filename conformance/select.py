"""--select: pick cases by transaction (or service), id glob, or requirement id."""

from __future__ import annotations

from fnmatch import fnmatchcase

from .cases.model import Case


class Selection:
    def __init__(self, terms: list[str]) -> None:
        self.terms = [t.strip() for t in terms if t.strip()]

    def matches(self, case: Case) -> bool:
        return any(self._term(t, case) for t in self.terms)

    @staticmethod
    def _term(term: str, case: Case) -> bool:
        if term == case.transaction or case.transaction.startswith(term + "."):
            return True
        if fnmatchcase(case.id, term):
            return True
        return any(fnmatchcase(rid, term) for rid in case.requirements)
