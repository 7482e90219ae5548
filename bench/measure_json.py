"""DICOM JSON validation of a large metadata document vs json.loads of the same bytes (target <= 3x)."""

from __future__ import annotations

from bench.context import Context, ratio_row
from bench.json_work import PATHS
from bench.proc import run_worker
from bench.results import Row, Target

NAME = "json_validate"
TITLE = "DICOM JSON validation vs json.loads"
NEEDS_SERVER = False


def run(ctx: Context) -> None:
    megabytes = ctx.pick(1, 50)
    path = ctx.workdir / "metadata.json"
    made = run_worker("json_work", "build", {"path": str(path), "megabytes": megabytes}, timeout_s=600)
    ctx.note(NAME, f"document: {made.get('bytes') / 1e6:.1f} MB, {int(made.get('attributes')):,} attributes, "
                   f"from {made.result['source']}")
    names = list(PATHS)
    samples: dict[str, list[float]] = {n: [] for n in names}
    for rep in range(ctx.reps):
        order = names[rep % len(names):] + names[:rep % len(names)]
        got = run_worker("json_work", "time_paths", {"path": str(path), "order": order}, timeout_s=600)
        for n in names:
            samples[n].append(got.get(n))
    for n in names:
        ctx.add(Row(NAME, f"{n} seconds", "s", tuple(samples[n])))
    base = samples["json.loads"]
    ctx.add(ratio_row(NAME, "dicom_json check / json.loads", samples["dicom_json check"], base,
                      Target("<=", 3)))
    ctx.add(ratio_row(NAME, "validate_json_bytes / json.loads", samples["validate_json_bytes"], base, Target("<=", 3)))
    ctx.note(NAME, "dicom_json check = the registered check on a Response holding the bytes (Response.json(), "
                   "then the model walk); both paths must find no errors, or the run stops")
