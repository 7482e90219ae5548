"""Errors raised by the QIDO-RS search oracle.

    OracleError                      base of everything the oracle raises
    ├── QueryError (also ValueError) the search request itself is invalid per PS3.18 §8.3.4 /
    │                                PS3.4 C.2.2.2 (malformed date range, unknown keyword, ...)
    ├── OracleUnsupported            the request is valid, but the standard (or the stored
    │                                data) does not pin down the answer: the oracle won't guess
    └── UnknownEntity (also LookupError)  a UID asked of computed_attributes() is not stored

Where the standard *explicitly* leaves a choice to the server (PN case, fuzzy matching,
optional keys ...) the oracle does not raise: it returns bounds (see ``Expected``).
"""

from __future__ import annotations

__all__ = ["OracleError", "QueryError", "OracleUnsupported", "UnknownEntity"]


class OracleError(Exception):
    """Base class of the oracle's errors."""


class QueryError(OracleError, ValueError):
    """The search request is invalid per the standard; the message says why and where."""


class OracleUnsupported(OracleError):
    """The oracle cannot decide the expected result without guessing; the message says why."""


class UnknownEntity(OracleError, LookupError):
    """No stored study/series/instance has the requested UID."""
