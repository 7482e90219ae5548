"""Metadata in the Native DICOM Model (XML): one part per instance, each equal to what was stored."""

from __future__ import annotations

from ..dicom.compare import compare_xml_to_dataset
from ..dicom.xml_convert import native_to_json
from ..dicom.xml_parse import parse_xml, split_name
from .context import CheckContext
from .jsonds import first_value
from .partinfo import part_info
from .registry import Outcome, check

MAX_SHOWN = 10
SOP_INSTANCE_UID = "00080018"


@check("metadata_xml_of", {"type": "array", "items": {"type": "string"}, "minItems": 1},
       requirement="RETRIEVE-MEDIA-METADATA-XML")
def metadata_xml_of(ctx: CheckContext, keys: list[str]) -> Outcome:
    """The multipart body holds one application/dicom+xml part per fixture instance, each a NativeDicomModel whose attributes equal what was stored (bulk data may be a BulkData reference)."""
    wanted = {ctx.data.instance(k).dataset.SOPInstanceUID: ctx.data.instance(k) for k in keys}
    seen: set[str] = set()
    problems = []
    for part in ctx.response.parts():
        info = part_info(part)
        if info.problem:
            problems.append(info.problem)
        elif info.media_type != "application/dicom+xml":
            problems.append(f"part {info.number} is {info.media_type}, expected application/dicom+xml")
        parsed = parse_xml(info.body)
        if parsed.root is None or split_name(parsed.root.tag)[1] != "NativeDicomModel":
            problems.append(f"part {info.number} is not a NativeDicomModel document: {parsed.error or 'wrong root element'}")
            continue
        uid = str(first_value(native_to_json(parsed.root), SOP_INSTANCE_UID))
        inst = wanted.get(uid)
        if inst is None:
            problems.append(f"part {info.number} describes SOP Instance {uid}, which was not asked for")
            continue
        if uid in seen:
            problems.append(f"part {info.number}: {inst.key} described twice")
        seen.add(uid)
        problems += [f"{inst.key}: {d}" for d in compare_xml_to_dataset(info.body, inst.dataset, bulk_ok=True)[:MAX_SHOWN]]
    problems += [f"no metadata part for {inst.key} ({uid})" for uid, inst in wanted.items() if uid not in seen]
    return problems[:MAX_SHOWN]
