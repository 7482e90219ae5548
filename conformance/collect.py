"""Case files as pytest collectors; every YAML case becomes a real pytest test item.

Items are ``pytest.Function`` subclasses (not bare ``pytest.Item``) so that cases
get pytest fixtures natively: ``-k``, ``-m``, ``--lf``, xdist and allure-pytest
all work as for Python tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .cases.model import Case
from .catalog import SERVICE_TITLES, TRANSACTIONS, Catalog
from .errors import CaseFileError, HarnessError, Nonconformance

SEVERITY = {"shall": "critical", "should": "normal", "may": "minor"}
CASE_KEY = pytest.StashKey[Case]()


class CaseFile(pytest.File):
    """One YAML file of cases."""

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        # A case-file mistake is shown as file:line and what is wrong, never as a traceback.
        if isinstance(excinfo.value, CaseFileError):
            return f"case file error: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def collect(self) -> Iterator[pytest.Item]:
        from .plugin import state_of

        state = state_of(self.config)
        try:
            rel = self.path.relative_to(self.config.rootpath)
        except ValueError:
            rel = self.path
        cases = state.parser.parse_file(self.path, str(rel))
        for case in cases:
            first = state.case_ids.setdefault(case.id, str(case.source))
            if first != str(case.source):
                raise CaseFileError(case.source.path, case.source.line, f"case id {case.id!r} is already used at {first}")
            item = CaseItem.from_parent(self, name=case.id, callobj=_case_function(case))
            item.stash[CASE_KEY] = case
            _mark(item, case, state.catalog)
            yield item


def _case_function(case: Case) -> Any:
    from .plugin import run_case_item

    def run(dicomweb_session: Any, request: pytest.FixtureRequest) -> None:
        run_case_item(case, dicomweb_session, request.node)

    run.__name__ = case.id
    return run


def _mark(item: pytest.Item, case: Case, catalog: Catalog) -> None:
    # Marks (not allure.dynamic) so that --allure-* selection and -m see them at collection.
    label = pytest.mark.allure_label
    item.add_marker(label(SERVICE_TITLES.get(case.service, case.service), label_type="epic"))
    item.add_marker(label(TRANSACTIONS.get(case.transaction, case.transaction), label_type="feature"))
    for rid in case.requirements:
        item.add_marker(label(rid, label_type="story"))
        req = catalog.get(rid)
        if req is not None:
            item.add_marker(pytest.mark.allure_link(req.url, link_type="link", name=f"{rid}: {req.citation}"))
    item.add_marker(label(SEVERITY[case.level], label_type="severity"))
    item.add_marker(label(case.transaction, label_type="tag"))
    item.add_marker(getattr(pytest.mark, case.level))
    item.add_marker(getattr(pytest.mark, transaction_mark(case.transaction)))
    for tag in case.tags:
        item.add_marker(label(tag, label_type="tag"))


class CaseItem(pytest.Function):
    """A case; reports point at the YAML file and line, failures read as findings."""

    @property
    def case(self) -> Case:
        return self.stash[CASE_KEY]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, self.case.source.line - 1, f"{self.case.id}: {self.case.title}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        case = self.case
        # This text reaches the terminal, pytest's junit and Allure: scrub what a server echoed.
        redact = getattr(self, "dicomweb_redact", str)
        head = f"{case.source}: {case.id} ({case.level}; {', '.join(case.requirements)})"
        if isinstance(excinfo.value, Nonconformance):
            lines = [f"  - {redact(f.line())}" for f in excinfo.value.findings]
            return "\n".join([head, "server does not conform:", *lines])
        if isinstance(excinfo.value, HarnessError):
            return f"{head}\nerror: {redact(str(excinfo.value))}"
        if isinstance(excinfo.value, pytest.xfail.Exception):  # a should/may finding: its message says it all
            return f"{head}\n{excinfo.value.msg}"
        return f"{head}\nharness bug (please report):\n{redact(str(super().repr_failure(excinfo)))}"


def transaction_mark(transaction: str) -> str:
    """The -m name of a transaction: studies.search -> studies_search."""
    return transaction.replace(".", "_").replace("-", "_")


def is_case_file(path: Path, extra_roots: list[Path], root: Path | None = None) -> bool:
    if path.suffix not in (".yaml", ".yml"):
        return False
    # Only folders below the rootdir count: a checkout that itself lives in some ".../testcases/..."
    # folder must not turn every YAML file of the project into a case file.
    parts = path.relative_to(root).parts if root is not None and root in path.parents else path.parts
    if "testcases" in parts[:-1]:
        return True
    return any(path == root or root in path.parents for root in extra_roots)
