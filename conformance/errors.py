"""The three kinds of trouble the harness keeps apart, and nothing else.

    HarnessError
    ├── CaseFileError      a mistake in a case file        -> collection error with file:line
    ├── TargetError        target or network trouble       -> verdict "error"
    │   └── PreconditionError  data a case needs is missing -> verdict "error"
    └── UsageError         a bad command-line argument     -> exit 2, one line

    Nonconformance         the server broke the standard   -> verdict "fail"

Nonconformance is deliberately not a HarnessError: it is the harness working.
It derives from AssertionError, which is how pytest and Allure recognise a failed check.
"""

from __future__ import annotations

from dataclasses import dataclass


class HarnessError(Exception):
    """Base of every error the harness raises on purpose."""


class CaseFileError(HarnessError):
    """A case file is malformed; names the file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class TargetError(HarnessError):
    """The target could not be reached or did not answer in time."""


class PreconditionError(TargetError):
    """Data or state a case depends on could not be established on the target."""


class UsageError(HarnessError):
    """The user asked for something impossible (bad argument, missing tool)."""


@dataclass(frozen=True)
class Finding:
    """One way in which a response breaks a requirement."""

    check: str
    message: str
    requirement: str | None = None
    exchange: int | None = None  # index of the exchange in the case transcript

    def line(self) -> str:
        where = f"[exchange {self.exchange + 1}] " if self.exchange is not None else ""
        return f"{where}{self.check}: {self.message}"


class Nonconformance(AssertionError):
    """The server's behaviour does not meet what the case expects.

    An AssertionError so that every reporter (pytest, Allure) shows it as a failure, not as broken.
    """

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("; ".join(f.line() for f in findings))
