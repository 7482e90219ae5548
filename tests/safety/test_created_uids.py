"""The harness records every UID it created, and changes nothing it did not create.

The proxy sees everything the run sends: the instances in every store request it made,
and every request that can change the target. Both are checked against the report's
created-uids.json.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import pydicom
import pytest

from conformance.targets.orthanc import OrthancTarget
from tests.tooling.edits import boundary_of, split_parts
from tests.tooling.harness import HarnessRun, run_harness
from tests.tooling.proxy import MutatingProxy, Seen

from .test_read_only import CHANGING_METHODS, AuditedRun

pytestmark = pytest.mark.safety
UID_IN_PATH = re.compile(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w.])")


@pytest.fixture(scope="module")
def audited_run(safety_orthanc: OrthancTarget, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditedRun]:
    with MutatingProxy(safety_orthanc.base_url) as proxy:
        run = run_harness(proxy.url_for(safety_orthanc.base_url), tmp_path_factory.mktemp("audited") / "report",
                          uri_url=proxy.url_for(safety_orthanc.wado_uri))
        yield AuditedRun(run, proxy.log)


def created_uids(run: HarnessRun) -> set[str]:
    path = run.report_dir / "created-uids.json"
    assert path.exists(), "the report folder has no created-uids.json"
    return set(json.loads(path.read_text())["uids"])


def stored_instances(seen: Seen) -> Iterator[pydicom.Dataset]:
    """The DICOM instances a store request carried (parts the proxy can read as Part 10)."""
    ctype = next((v for k, v in seen.headers if k.lower() == "content-type"), "")
    if "multipart/related" not in ctype.lower():
        return
    for part in split_parts(seen.body, boundary_of(ctype)):
        try:
            yield pydicom.dcmread(io.BytesIO(part.body), stop_before_pixels=True)
        except Exception:  # noqa: BLE001 (a deliberately malformed part of a negative case)
            continue




def test_the_report_lists_every_uid_the_run_stored(audited_run: AuditedRun) -> None:
    stored: set[str] = set()
    for seen in audited_run.log.seen:
        if seen.method == "POST" and seen.status in (200, 202):
            for ds in stored_instances(seen):
                stored |= {str(ds.get(k, "")) for k in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")} - {""}
    assert stored, "the proxy saw no instance stored"
    missing = stored - created_uids(audited_run.run)
    assert not missing, f"{len(missing)} of {len(stored)} stored UIDs are not in created-uids.json, e.g. {sorted(missing)[:3]}"


def test_every_request_that_can_change_the_target_names_only_uids_the_run_created(audited_run: AuditedRun) -> None:
    created = created_uids(audited_run.run)
    foreign = []
    for seen in audited_run.log.seen:
        if seen.method in CHANGING_METHODS:
            named = set(UID_IN_PATH.findall(seen.path)) | set(UID_IN_PATH.findall(seen.query))
            foreign += [f"{seen.method} {seen.path}" for uid in named - created]
    assert not foreign, f"{len(foreign)} changing requests name UIDs the run did not record, e.g. {foreign[:3]}"
