"""What a check sees: the exchange it judges and the data the harness stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..transport.exchange import Exchange
from ..transport.query import parse_query
from ..transport.response import Response

if TYPE_CHECKING:
    from ..runner.data import CaseData


@dataclass
class CheckContext:
    exchange: Exchange
    data: "CaseData"
    base_url: str
    variables: dict[str, Any] = field(default_factory=dict)
    render: Callable[[str], str] = str  # fills ${...} templates in check arguments
    # GET a URL taken from a response (a BulkDataURI, a RetrieveURL) on the target's own origin;
    # the exchange joins the case transcript. None where the runner offers no follow-ups.
    follow: Callable[[str, tuple[tuple[str, str], ...]], Exchange] | None = None

    @property
    def response(self) -> Response:
        assert self.exchange.response is not None
        return self.exchange.response

    @property
    def resource(self) -> str:
        """The request path relative to the target base URL, without the query."""
        path = urlsplit(self.exchange.request.url).path
        base = urlsplit(self.base_url).path.rstrip("/")
        return path[len(base):] if path.startswith(base) else path

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_query(urlsplit(self.exchange.request.url).query)

    def note(self, text: str) -> None:
        self.exchange.notes.append(text)
