"""The HTTP Warning header of QIDO-RS (PS3.18 §8.3.4.2, §8.3.4.4.1, §8.3.4.5, §8.3.4.6).

The standard prescribes ``Warning: 299 <service>: <text>`` for results cut by paging and for the
optional matching features a server does not support. RFC 7234 §5.5 would quote the text; the
DICOM form does not, so both are read. Text is matched without regard to case or spacing.

``feature_or_warning`` judges an optional matching feature the way the standard allows it to be
answered: either the search was performed with the feature (results within the oracle's bounds
for the feature), or the response says it was not, with the prescribed Warning, and the results
are those of the search without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .context import CheckContext
from .registry import Outcome, check
from .search_body import OracleDisagrees, judge, note_oracle, set_problems

_WARNING = re.compile(r'^\s*(\d{3})\s+(\S+)\s*(.*?)\s*$', re.DOTALL)
_REMAINING = re.compile(r"there\s+are\s+(\d+)\s+additional\s+results?\s+that\s+can\s+be\s+requested", re.IGNORECASE)
PRESCRIBED = {  # the parameter -> the text its "not supported" Warning carries
    "fuzzymatching": "The fuzzymatching parameter is not supported. Only literal matching has been performed.",
    "emptyvaluematching": "The emptyvaluematching parameter is not supported. Empty Value Matching has not been performed.",
    "multiplevaluematching": ("The multiplevaluematching parameter is not supported. Multiple Value Matching has not "
                              "been performed."),
}


@dataclass(frozen=True)
class Warning299:
    agent: str
    text: str


def warnings_299(ctx: CheckContext) -> list[Warning299]:
    """Every 299 warning of the response (one header may hold several, comma-separated)."""
    found = []
    for value in ctx.response.header_all("warning"):
        for piece in re.split(r",\s*(?=\d{3}\s)", value):
            match = _WARNING.match(piece)
            if match and match.group(1) == "299":
                text = match.group(3).strip()
                if len(text) >= 2 and text[0] == text[-1] == '"':
                    text = text[1:-1]
                found.append(Warning299(match.group(2).rstrip(":"), text))
    return found


def _squeeze(text: str) -> str:
    return " ".join(text.lower().split())


def _says(warning: Warning299, sentence: str) -> bool:
    return _squeeze(sentence).rstrip(".") in _squeeze(warning.text)


def _all_headers(ctx: CheckContext) -> str:
    values = ctx.response.header_all("warning")
    return "; ".join(repr(v) for v in values) if values else "no Warning header"


@check("warning_299", {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
    "text": {"type": "string", "description": "a sentence the 299 warning must contain (case and spacing ignored)"},
    "remaining": {"const": True, "description": "the warning says how many matches remain after this page, computed by the oracle"}}},
    requirement="SEARCH-PAGING-WARNING-299")
def warning_299(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The response carries Warning: 299 <service>: <text>, with the given text, or with "There are <remaining> additional results that can be requested" where remaining = matches - offset - results (PS3.18 §8.3.4.4.1)."""
    found = warnings_299(ctx)
    if not found:
        return f"no Warning 299 in the response ({_all_headers(ctx)})"
    if "text" in spec and not any(_says(w, ctx.render(spec["text"])) for w in found):
        return f"no Warning 299 says {spec['text']!r} ({_all_headers(ctx)})"
    if spec.get("remaining"):
        judged = judge(ctx)
        if not judged.expected.exact or len(judged.ours) != len(judged.uids):
            raise OracleDisagrees("the remaining count is only known for a query that reaches exactly this run's data")
        remaining = len(judged.expected.uids) - (judged.query.offset or 0) - len(judged.uids)
        said = [int(m.group(1)) for w in found if (m := _REMAINING.search(w.text))]
        if not said:
            return f"no Warning 299 'There are {remaining} additional results that can be requested' ({_all_headers(ctx)})"
        if remaining not in said:
            return f"the Warning says {said[0]} additional result(s) remain, the search has {remaining} more"
    return None


@check("feature_or_warning", {"type": "object", "required": ["parameter"], "additionalProperties": False, "properties": {
    "parameter": {"enum": sorted(PRESCRIBED)},
    "count": {"type": "integer", "minimum": 0, "description": "the oracle's required matches with the feature performed (guards the case)"}}},
    requirement="SEARCH-PARAMS-SUPPORTED")
def feature_or_warning(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Either the optional matching feature was performed (results within the oracle's bounds for it), or the response carries the prescribed Warning 299 '<parameter> is not supported' and the results are those of the search without the feature (PS3.18 §8.3.4.2, §8.3.4.5, §8.3.4.6)."""
    parameter = spec["parameter"]
    declined = [w for w in warnings_299(ctx) if parameter in w.text.lower()]
    if not declined:
        judged = judge(ctx)
        if "count" in spec and len(judged.expected.uids) != spec["count"]:
            raise OracleDisagrees(f"the oracle predicts {len(judged.expected.uids)} result(s) but the case states {spec['count']}")
        ctx.note(f"no Warning about {parameter}: judged as a search performed with {parameter}=true")
        note_oracle(ctx, judged)
        return set_problems(judged, paged=False)
    problems = []
    if not any(_says(w, PRESCRIBED[parameter]) for w in declined):
        problems.append(f"the Warning about {parameter} does not carry the prescribed text "
                        f"{PRESCRIBED[parameter]!r}: {declined[0].text!r}")
    ctx.note(f"Warning 299 about {parameter}: judged as a search performed without it")
    try:
        judged = judge(ctx, {parameter: ""})
    except OracleDisagrees as exc:
        ctx.note(f"the results of the search without {parameter} are not defined, so only the Warning is judged ({exc})")
        return problems
    note_oracle(ctx, judged)
    return problems + set_problems(judged, paged=False)
