"""Repairs: the proxy fixing one deviation a real server has.

A repair is the mutation test turned round: if a case fails against a server and passes
once the proxy corrects exactly one thing in its answers, that case failed *because of*
that thing. Repairs are no-ops on a server that already conforms, so the mutation suite
runs every server behind all of them (more cases pass, so more mutations can be judged).
"""

from __future__ import annotations

import re
from .edits import datasets_of, sort_tags
from .messages import Request, Response
from .metadata_store import as_part10_store
from .mutations.base import Mutation, Upstream, has_param, json_doc, ok_only

_TYPE = re.compile(r'type="([^"]*)"', re.IGNORECASE)


def _bare_type_param(response: Response) -> Response:
    """multipart/related; type="application/octet-stream; transfer-syntax=..." -> type="application/octet-stream"."""
    ctype = response.header("content-type") or ""
    match = _TYPE.search(ctype)
    if not match or ";" not in match.group(1):
        return response
    bare = match.group(1).split(";")[0].strip()
    return response.with_header("Content-Type", ctype[: match.start()] + f'type="{bare}"' + ctype[match.end():])


def _empty_array_to_204(request: Request, response: Response, upstream: Upstream) -> Response:
    if response.status == 200 and response.is_json and response.json() == []:
        return response.with_status(204, "No Content").with_body(b"").with_header("Content-Type", None)
    return response


def _paging_warning(request: Request, response: Response, upstream: Upstream) -> Response:
    """A page cut by limit says how many more matches there are (PS3.18 §8.3.4.4.1)."""
    if response.status != 200 or not response.is_json or response.header("warning"):
        return response
    everything = upstream(request.without_param("limit").without_param("offset"))
    if everything.status != 200 or not everything.is_json:
        return response
    offset = int(dict(request.query_pairs()).get("offset") or 0)
    remaining = len(datasets_of(everything.json())) - offset - len(datasets_of(response.json()))
    if remaining <= 0:
        return response
    service = request.header("host") or "dicomweb"
    return response.with_header("Warning", f"299 {service}: There are {remaining} additional results that can be requested")


REPAIRS: tuple[Mutation, ...] = (
    Mutation("repair-frames-type-param-bare", ("frames",), "MEDIA-MULTIPART-TYPE-BOUNDARY",
             "the multipart type parameter of frames loses the transfer-syntax nested inside its quoted value",
             ("retrieve-frame-multipart-type-parameter",), response_edit=ok_only(_bare_type_param)),
    Mutation("repair-search-no-match-204", ("search",), "SEARCH-STATUS-204-NO-MATCHES",
             "a search that matches nothing answers 204 instead of 200 with an empty array",
             ("search-studies-zero-matches-204",), response_edit=_empty_array_to_204),
    Mutation("repair-search-paging-warning", ("search",), "SEARCH-PAGING-WARNING-299",
             "a page cut short by limit gets the Warning 299 that says how many matches remain",
             ("search-studies-paging-warning-remaining", "search-studies-paging-warning-remaining-after-offset"),
             response_edit=_paging_warning, when=has_param("limit")),
    Mutation("repair-store-metadata-as-part10", ("store",), "STORE-MEDIA-JSON-DEFAULT",
             "a store of Metadata and Bulkdata (JSON or XML) reaches the server as the Part 10 instances it describes",
             ("store-json-metadata-bulkdata", "store-xml-metadata-bulkdata", "store-json-metadata-three-instances-to-study",
              "store-xml-metadata-private-attributes"), request_edit=as_part10_store),
    Mutation("repair-json-tags-ascending", ("search", "metadata"), "JSON-ATTRIBUTE-ORDER",
             "attributes of every DICOM JSON object are put in ascending tag order",
             ("search-studies-by-patient-id", "search-studies-by-study-uid", "search-series-of-study",
              "search-instances-of-series"), response_edit=json_doc(sort_tags)),
)
BY_NAME: dict[str, Mutation] = {r.name: r for r in REPAIRS}
