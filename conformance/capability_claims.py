"""Claims read from the server's own Capabilities description, when no claims file is given.

PS3.18 §8.9: every RESTful service answers OPTIONS on its base URL with a WADL document
(Annex H; Annex G gives its JSON form) declaring its resources. A server that declares an
optional resource claims it: thumbnail resources claim thumbnails, workitems claim the
Worklist service, and so on (the table below). A server without a usable description gets
the documented default, and the report says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .checks.wadl import Wadl, parse_wadl_json, parse_wadl_xml
from .claims import Claims
from .errors import Nonconformance, TargetError
from .transport.client import HttpClient
from .transport.exchange import HttpRequest
from .transport.response import BodyFormatError

WADL_XML = "application/vnd.sun.wadl+xml"
NPI_RESOURCES = frozenset({"color-palettes", "defined-procedure-protocols", "hanging-protocols", "implant-templates",
                           "inventories"})

# Feature -> does the description declare it? Paths are absolute below the base ("/studies/{study}/thumbnail").
Rule = Callable[[list[str], set[str]], bool]
RULES: dict[str, Rule] = {
    "thumbnails": lambda paths, _: any(p.endswith("/thumbnail") for p in paths),
    "bulkdata-resources": lambda paths, _: any(p.endswith("/bulkdata") for p in paths),
    "pixeldata-resources": lambda paths, _: any(p.endswith("/pixeldata") for p in paths),
    "worklist": lambda paths, _: any(p.split("/")[1:2] == ["workitems"] for p in paths),
    "notifications": lambda paths, _: any("/subscribers" in p for p in paths),
    "npi": lambda paths, _: any(p.split("/")[1] in NPI_RESOURCES for p in paths if p.count("/") >= 1),
    "storage-commitment": lambda paths, _: any(p.split("/")[1:2] == ["commitment-requests"] for p in paths),
    "fuzzy-matching": lambda _, params: "fuzzymatching" in params,
    "empty-value-matching": lambda _, params: "emptyvaluematching" in params,
    "multiple-value-matching": lambda _, params: "multiplevaluematching" in params,
}


def claims_from_wadl(wadl: Wadl, uri_service: bool, source: str) -> Claims:
    pairs = wadl.paths()
    paths = [p.rstrip("/") for p, _ in pairs]
    params = {name.lower() for _, resource in pairs for name in resource.query_params}
    claimed = {feature for feature, declared in RULES.items() if declared(paths, params)}
    if uri_service:  # a separate service (§9), never in this description: claimed by naming its endpoint
        claimed.add("uri-service")
    return Claims(frozenset(claimed), source)


_USERINFO = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")


def capability_claims(client: HttpClient, base_url: str, uri_service: bool) -> Claims:
    """Claims from OPTIONS {base_url}; the documented default, saying why, when that gives none.
    The source text goes into every report, so credentials in the URL are scrubbed from it."""
    claims = _capability_claims(client, base_url.rstrip("/"), uri_service)
    return Claims(claims.claimed, _USERINFO.sub(r"\1<redacted>@", claims.source))


def _capability_claims(client: HttpClient, url: str, uri_service: bool) -> Claims:
    for accept in (WADL_XML, "application/json"):
        try:
            response = client.send(HttpRequest("OPTIONS", url, (("Accept", accept),), None, "Capabilities for claims"))
        except (TargetError, Nonconformance) as exc:
            return _default(uri_service, f"the Capabilities request failed: {exc}")
        try:
            if response.status != 200:
                continue
            wadl = parse_wadl_xml(response.read()) if accept == WADL_XML else parse_wadl_json(response.json())
        except BodyFormatError:
            continue
        finally:
            response.close()
        if wadl.roots:
            return claims_from_wadl(wadl, uri_service, f"Capabilities of the target (OPTIONS {url}, {accept})")
    return _default(uri_service, f"no Capabilities description at OPTIONS {url}")


def _default(uri_service: bool, why: str) -> Claims:
    fallback = Claims.default(uri_service)
    return Claims(fallback.claimed, f"documented default (no claims file; {why})")
