"""Generated inputs for the collection measurement: YAML case files and trivial Python tests."""

from __future__ import annotations

from pathlib import Path

PER_FILE = 100

# Shaped like the real search cases: a templated request, four checks, a requirement list.
YAML_CASE = """\
  - id: gen-{file:03d}-{n:03d}
    title: Generated case {n} of file {file} searches studies by PatientID
    requirements: [SEARCH-RESOURCE-ALL-STUDIES, SEARCH-MATCH-SINGLE-VALUE, SEARCH-STATUS-200]
    level: shall
    needs: [ct1]
    steps:
      - request:
          path: /studies
          query: {{PatientID: "${{ct1.PatientID}}", limit: "{n}"}}
          headers: {{Accept: application/dicom+json}}
        expect:
          - status: 200
          - media_type: application/dicom+json
          - dicom_json: {{context: search}}
          - search_results: {{count: 2}}
"""

PY_TEST = """\
def test_generated_{n:03d}():
    assert {n} + 1 > {n}

"""


def write_inputs(root: str, cases: int) -> dict[str, int]:
    """root/yaml/testcases/*.yaml and root/python/tests/test_*.py, ``cases`` of each; root/empty has none."""
    base = Path(root)
    yaml_dir, py_dir = base / "yaml" / "testcases", base / "python" / "tests"
    for d in (yaml_dir, py_dir, base / "empty" / "tests"):
        d.mkdir(parents=True, exist_ok=True)
    files = (cases + PER_FILE - 1) // PER_FILE
    for f in range(files):
        count = min(PER_FILE, cases - f * PER_FILE)
        body = "".join(YAML_CASE.format(file=f, n=n) for n in range(count))
        (yaml_dir / f"gen{f:03d}.yaml").write_text("transaction: studies.search\ncases:\n" + body)
        (py_dir / f"test_gen{f:03d}.py").write_text("".join(PY_TEST.format(n=n) for n in range(count)))
    for sub in ("yaml", "python", "empty"):
        (base / sub / "pytest.ini").write_text("[pytest]\n")
    return {"files": files, "cases": cases}
