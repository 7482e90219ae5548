"""Checks on DICOM JSON bodies: model validity, attributes, equality with what was stored."""

from __future__ import annotations

from typing import Any

from .context import CheckContext
from .jsonds import datasets, first_value, label, tag_key
from .registry import Outcome, check

MAX_SHOWN = 10


@check("dicom_json", {"type": "object", "additionalProperties": False, "properties": {
    "context": {"enum": ["generic", "search", "metadata", "store-response"]},
    "count": {"type": "integer", "minimum": 0, "description": "exact number of datasets in the array"}}},
    requirement="JSON-WELL-FORMED")
def dicom_json(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is a DICOM JSON Model document (PS3.18 Annex F), validated strictly; optionally with exactly `count` datasets."""
    from ..dicom.json_model import validate_json

    doc = ctx.response.json()
    problems = [f"{f.location}: {f.rule}: {f.message} (§{f.section})"
                for f in validate_json(doc, context=spec.get("context", "generic")) if f.severity == "error"]
    if len(problems) > MAX_SHOWN:
        problems = problems[:MAX_SHOWN] + [f"... and {len(problems) - MAX_SHOWN} more model errors"]
    if "count" in spec:
        n = len(datasets(ctx.response))
        if n != spec["count"]:
            problems.append(f"{n} dataset(s) in the response, expected exactly {spec['count']}")
    return problems


@check("attribute", {"type": "object", "required": ["tag"], "additionalProperties": False, "properties": {
    "tag": {"type": "string", "description": "keyword or 8-digit tag"},
    "equals": {"type": ["string", "number"], "description": "the first value (PN: Alphabetic group); ${...} allowed"},
    "vr": {"type": "string"},
    "present": {"type": "boolean", "description": "false: the attribute must not appear"}}})
def attribute(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Every dataset in the body has (or, with present: false, lacks) the attribute, with the given VR and first value."""
    key = tag_key(spec["tag"])
    problems = []
    items = datasets(ctx.response)
    if not items:
        return f"no datasets in the response to look for {label(key)} in"
    for i, ds in enumerate(items):
        element = ds.get(key)
        if spec.get("present", True) is False:
            if element is not None:
                problems.append(f"dataset {i}: {label(key)} present but must not be")
            continue
        if element is None:
            problems.append(f"dataset {i}: {label(key)} missing")
            continue
        if "vr" in spec and element.get("vr") != spec["vr"]:
            problems.append(f"dataset {i}: {label(key)} has vr {element.get('vr')!r}, expected {spec['vr']!r}")
        if "equals" in spec:
            want = ctx.render(str(spec["equals"])) if isinstance(spec["equals"], str) else spec["equals"]
            got = first_value(ds, key)
            if got != want and str(got) != str(want):
                problems.append(f"dataset {i}: {label(key)} is {got!r}, expected {want!r}")
    return problems[:MAX_SHOWN]


@check("attributes_present", {"type": "array", "items": {"type": "string"}, "minItems": 1})
def attributes_present(ctx: CheckContext, tags: list[str]) -> Outcome:
    """Every dataset in the body contains each of these attributes (keywords or tags)."""
    keys = [tag_key(t) for t in tags]
    items = datasets(ctx.response)
    if not items:
        return "no datasets in the response"
    problems = []
    for i, ds in enumerate(items):
        missing = [label(k) for k in keys if k not in ds]
        if missing:
            problems.append(f"dataset {i}: missing {', '.join(missing)}")
    return problems[:MAX_SHOWN]


@check("metadata_of", {"type": "array", "items": {"type": "string"}, "minItems": 1}, requirement="RETRIEVE-METADATA-RESOURCES")
def metadata_of(ctx: CheckContext, keys: list[str]) -> Outcome:
    """The body is the metadata of exactly these fixture instances: one dataset each, every attribute equal to what was stored (bulk data may be a BulkDataURI)."""
    from ..dicom.compare import compare_json_to_dataset

    items = datasets(ctx.response)
    by_uid = {first_value(ds, "00080018"): ds for ds in items}
    problems = []
    wanted = {ctx.data.instance(k).dataset.SOPInstanceUID: k for k in keys}
    for uid, key in wanted.items():
        ds = by_uid.get(uid)
        if ds is None:
            problems.append(f"no metadata for {key} (SOP Instance UID {uid})")
            continue
        # Specific Character Set is not compared: a JSON document's text is UTF-8 whatever the stored
        # encoding (F.2), so a server may restate or drop the original value.
        diffs = compare_json_to_dataset(ds, ctx.data.instance(key).dataset, ignore=(0x00080005,), bulk_ok=True)
        problems += [f"{key}: {d}" for d in diffs[:MAX_SHOWN]]
    extra = [u for u in by_uid if u not in wanted]
    if extra:
        problems.append(f"{len(extra)} dataset(s) not asked for: {', '.join(map(str, extra[:3]))}")
    return problems
