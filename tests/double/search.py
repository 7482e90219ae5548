"""Search as the double does it for workitems (§11.9) and non-patient instances (§12.6): the
query parameters of Table 8.3.4-1 with C-FIND style matching (§8.3.4.1), paging (§8.3.4.4),
204 for no match (§8.3.4.4.1), JSON or multipart XML results.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from pydicom.datadict import dictionary_VR

from .dicom import Json, first, multipart, tag_of, to_xml
from .http import DICOM_JSON, DICOM_XML, MULTIPART_XML, Reply, Request, choose, empty, json_reply

CONTROL = {"limit", "offset", "includefield", "fuzzymatching", "emptyvaluematching", "multiplevaluematching",
           "accept", "charset"}
UINT = re.compile(r"^[0-9]+$")


class BadQuery(ValueError):
    """A query parameter that Table 8.3.4-1 does not allow (answered 400)."""


@dataclass
class Query:
    keys: list[tuple[str, str]] = field(default_factory=list)  # tag -> value
    limit: int | None = None
    offset: int = 0


def parse_query(req: Request) -> Query:
    query = Query()
    for name, value in req.query:
        if name in ("limit", "offset"):
            if not UINT.match(value):
                raise BadQuery(f"{name}={value!r} is not an unsigned integer (§8.3.4.4)")
            setattr(query, name, int(value))
        elif name == "fuzzymatching" and value not in ("true", "false"):
            raise BadQuery("fuzzymatching takes true or false (§8.3.4.2)")
        elif name == "includefield":
            for item in value.split(","):
                if item != "all" and tag_of(item) is None:
                    raise BadQuery(f"includefield {item!r} is not an attribute (§8.3.4.3)")
        elif name not in CONTROL:
            tag = tag_of(name)
            if tag is None:
                raise BadQuery(f"{name!r} is neither a query parameter nor an attribute (§8.3.4.1)")
            query.keys.append((tag, value))
    return query


def matches(ds: Json, tag: str, value: str) -> bool:
    """Universal (empty), UID list, range (DA/DT/TM), wildcard and single value matching (PS3.4 C.2.2.2 via §8.3.4.1)."""
    if value == "":
        return True
    got = first(ds, tag)
    vr = dictionary_VR(int(tag, 16)).split(" or ")[0]
    if vr == "UI":
        return got in value.split(",")
    if got is None:
        return False
    if vr in ("DA", "DT", "TM") and "-" in value:
        low, _, high = value.partition("-")
        return (not low or str(got) >= low) and (not high or str(got) <= high)
    if "*" in value or "?" in value:
        return fnmatch.fnmatchcase(str(got), value)
    return str(got) == value


def run_search(req: Request, items: list[Json], *, ignore_matching: bool = False, empty_200: bool = False,
               bad_ok: bool = False, ignore_limit: bool = False, only_uid: bool = False, xml: bool = True,
               json: bool = True, drop_last: bool = False, no_length: bool = False) -> Reply:
    offers = {"json": DICOM_JSON} if json else {}
    if xml:
        offers["xml"] = MULTIPART_XML
    chosen = choose(req, offers)
    if chosen is None:
        return empty(406)
    try:
        query = parse_query(req)
    except BadQuery as exc:
        if not bad_ok:
            return Reply(400, [("Content-Type", "text/plain")], str(exc).encode("utf-8"))
        query = Query()
    found = [ds for ds in items if ignore_matching or all(matches(ds, t, v) for t, v in query.keys)]
    if drop_last:
        found = found[:-1]
    found = found[query.offset:]
    if query.limit is not None and not ignore_limit:
        found = found[:query.limit]
    if only_uid:
        found = [{"00080018": ds["00080018"]} for ds in found if "00080018" in ds]
    if not found and not empty_200:
        return empty(204)  # §8.3.4.4.1
    if chosen == "xml":
        ctype, body = multipart([(DICOM_XML, to_xml(ds)) for ds in found], DICOM_XML)
        reply = Reply(200, [("Content-Type", ctype)], body)
    else:
        reply = json_reply(200, found)
    reply.omit_length = no_length
    return reply
