"""dicomweb-conformance: run | list | validate | schema. A thin layer over pytest.main."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from . import EDITION, __version__
from .errors import HarnessError, UsageError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASES = PROJECT_ROOT / "testcases"

EXIT_CONFORMS, EXIT_NONCONFORMANCE, EXIT_USAGE, EXIT_ERRORS = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dicomweb-conformance", description="Conformance tests for DICOMweb (PS3.18 %s) servers." % EDITION)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__} (PS3.18 {EDITION})")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the suite against a target and write a report")
    run.add_argument("--target", metavar="URL", help="DICOMweb base URL; default: start a local Orthanc (embedded default)")
    run.add_argument("--uri-url", metavar="URL", help="the target's URI service (WADO-URI) endpoint, if it has one")
    run.add_argument("--report-dir", metavar="DIR", help="where to write the report (default reports/<timestamp>)")
    _selection_args(run)
    run.add_argument("-n", "--workers", type=int, default=0, metavar="N", help="run cases in N parallel processes")
    run.add_argument("--auth", metavar="SPEC", help="basic:USER:PASSWORD, bearer:TOKEN or header:NAME:VALUE; env:VAR for any secret")
    run.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds allowed per request (default 30)")
    run.add_argument("--read-only", action="store_true", help="send nothing that can change the target (for production servers)")
    run.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    run.add_argument("--ca", metavar="FILE", help="CA bundle for TLS")
    run.add_argument("--profile", action="append", default=[], metavar="KEY=VALUE",
                     help="an edition difference the target follows, e.g. ups-create=query (see 'pytest --help')")
    run.add_argument("--claims", metavar="FILE", help="YAML file of the optional features the server claims")
    run.add_argument("--expect", metavar="FILE", help="expected verdicts (known deviations): exit 0 exactly when the run matches")
    run.add_argument("--tentative", action="store_true", help="include cases of draft supplements and change proposals")
    run.add_argument("--no-html", action="store_true", help="skip report.html")
    run.add_argument("--quiet", "-q", action="store_true")
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments after --")

    ls = sub.add_parser("list", help="list the cases")
    _selection_args(ls)
    ls.add_argument("--format", choices=["table", "json"], default="table")

    val = sub.add_parser("validate", help="validate DICOM JSON / XML documents (PS3.18 Annex F, PS3.19 Annex A)")
    val.add_argument("files", nargs="+")
    val.add_argument("--strict", action="store_true", help="interoperability warnings fail too")

    sub.add_parser("schema", help="print the JSON Schema of case files")

    mx = sub.add_parser("matrix", help="cases x implementations from several report folders (HTML + Markdown)")
    mx.add_argument("folders", nargs="+", metavar="DIR")
    mx.add_argument("--out", metavar="DIR", default=".", help="where to write matrix.html and matrix.md (default .)")

    cov = sub.add_parser("coverage", help="catalog coverage: the cases citing each requirement, and their verdicts")
    _selection_args(cov)
    cov.add_argument("folders", nargs="*", metavar="DIR", help="report folders whose verdicts to show")
    cov.add_argument("--format", choices=["markdown", "json"], default="markdown")

    ex = sub.add_parser("expectations", help="draft an expectations file (--expect) from one run's report folder")
    ex.add_argument("folder", metavar="DIR")
    ex.add_argument("--target-name", default="", help="the product and version the file describes")

    st = sub.add_parser("statement", help="a conformance statement draft (Markdown) from one run's report folder")
    st.add_argument("folder", metavar="DIR")
    return p


def _selection_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", action="append", default=[], metavar="EXPR",
                   help="transaction (studies.search, studies), case id glob, or requirement id; repeatable, comma lists")
    p.add_argument("--cases", action="append", default=[], metavar="DIR", help="another folder of case files (repeatable)")
    p.add_argument("--catalog", action="append", default=[], metavar="FILE", help="another requirement catalog (draft requirements)")


def _case_args(ns: argparse.Namespace) -> list[str]:
    args: list[str] = []
    for d in ns.cases:
        if not Path(d).exists():
            raise UsageError(f"--cases {d}: no such folder")
        args += ["--dicomweb-cases", d]
    for c in ns.catalog:
        args += ["--dicomweb-catalog", c]
    for s in ns.select:
        args += ["--dicomweb-select", s]
    if not DEFAULT_CASES.exists():
        raise UsageError(f"the case folder {DEFAULT_CASES} is missing")
    return [str(DEFAULT_CASES), *ns.cases, *args]


def _base_pytest_args() -> list[str]:
    # The harness's own rootdir and ini, so a user's conftest or pytest.ini cannot change a run. Hypothesis (a dev dependency) registers a pytest plugin
    # whose terminal summary imports all of hypothesis at the end of every run: not needed here.
    return ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--rootdir", str(PROJECT_ROOT), "-c", str(PROJECT_ROOT / "pyproject.toml"),
            "-o", "testpaths=", "-W", "ignore::pytest.PytestUnknownMarkWarning",
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]


@contextlib.contextmanager
def _target(url: str | None, uri_url: str | None, quiet: bool) -> Iterator[tuple[str, str | None]]:
    if url:
        yield url, uri_url
        return
    from .targets.orthanc import OrthancTarget

    target = OrthancTarget()
    if not quiet:
        print(f"starting the embedded default target (Orthanc + DICOMweb plugin) on 127.0.0.1:{target.port} ...", flush=True)
    with target:
        yield target.base_url, target.wado_uri


def cmd_run(ns: argparse.Namespace) -> int:
    import pytest

    report_dir = Path(ns.report_dir or PROJECT_ROOT / "reports" / datetime.now().strftime("%Y%m%d-%H%M%S"))
    report_dir.mkdir(parents=True, exist_ok=True)
    args = _case_args(ns) + _base_pytest_args()
    args += ["--dicomweb-report-dir", str(report_dir), "--dicomweb-timeout", str(ns.timeout),
             "--alluredir", str(report_dir / "allure-results"), "--clean-alluredir", "-rN"]
    if ns.auth:
        from .transport.auth import parse_auth

        parse_auth(ns.auth)  # a bad spec is a usage error now, not 200 errors later
        args += ["--dicomweb-auth", ns.auth]
    if ns.read_only:
        args.append("--dicomweb-read-only")
    for flag, value in (("--dicomweb-claims", ns.claims), ("--dicomweb-expect", ns.expect)):
        if value:
            if not Path(value).is_file():
                raise UsageError(f"{flag.replace('dicomweb-', '')} {value}: no such file")
            args += [flag, value]
    if ns.tentative:
        args.append("--dicomweb-tentative")
    if ns.insecure:
        args.append("--dicomweb-insecure")
    if ns.ca:
        args += ["--dicomweb-ca", ns.ca]
    for pair in ns.profile:
        args += ["--dicomweb-profile", pair]
    if ns.workers and ns.workers > 1:
        args += ["-n", str(ns.workers)]
    args += ["-q"] if ns.quiet else []
    args += ns.pytest_args
    started = time.time()
    with _target(ns.target, ns.uri_url, ns.quiet) as (url, uri_url):
        code = pytest.main([*args, "--dicomweb-url", url] + (["--dicomweb-uri-url", uri_url] if uri_url else []))
    results = report_dir / "results.json"
    if not results.exists():
        print(f"dicomweb-conformance: the run ended before writing results (pytest exit {int(code)})", file=sys.stderr)
        return EXIT_ERRORS if int(code) != 4 else EXIT_USAGE
    _write_allure_environment(report_dir, url)
    if not ns.no_html:
        from .reporting.html import generate_html

        problem = generate_html(report_dir / "allure-results", report_dir / "report.html")
        if problem:
            print(f"dicomweb-conformance: {problem}", file=sys.stderr)
    doc = json.loads(results.read_text())
    counts: dict[str, int] = doc.get("counts", {})
    if not doc["cases"]:
        print("dicomweb-conformance: no case ran (does --select match anything? see `dicomweb-conformance list`)",
              file=sys.stderr)
        return EXIT_USAGE
    print(f"\n{sum(counts.values())} cases in {time.time() - started:.1f} s: "
          + ", ".join(f"{counts.get(v, 0)} {v}" for v in ("pass", "fail", "warn", "info", "skip", "error")))
    print(f"report: {report_dir}/summary.md, results.json, junit.xml" + ("" if ns.no_html else ", report.html"))
    if "expectations" in doc:
        mismatches = doc["expectations"]["mismatches"]
        if not mismatches:
            print(f"every verdict matches {ns.expect}")
            return EXIT_CONFORMS
        print(f"{len(mismatches)} verdict(s) differ from {ns.expect}:", file=sys.stderr)
        for m in mismatches:
            print(f"  {m['case']}: expected {m['expected']}, got {m['got']} ({m['note']})", file=sys.stderr)
        return EXIT_NONCONFORMANCE
    if counts.get("error"):
        return EXIT_ERRORS
    return EXIT_NONCONFORMANCE if counts.get("fail") else EXIT_CONFORMS


def _write_allure_environment(report_dir: Path, url: str) -> None:
    results = report_dir / "allure-results"
    if not results.exists():
        return
    from .reporting.writer import redact_userinfo

    data = json.loads((report_dir / "results.json").read_text())
    (results / "environment.properties").write_text(
        f"target.url={redact_userinfo(url)}\nserver={data['target'].get('server', '')}\n"
        f"edition=PS3.18 {EDITION}\nharness={__version__}\nrun_id={data.get('run_id', '')}\n", encoding="utf-8")
    categories = [
        {"name": "Non-conformance (the server breaks a requirement)", "matchedStatuses": ["failed"]},
        {"name": "Target or harness trouble", "matchedStatuses": ["broken"]},
    ]
    (results / "categories.json").write_text(json.dumps(categories), encoding="utf-8")


class _Lister:
    def __init__(self) -> None:
        self.cases: list[Any] = []

    def pytest_collection_finish(self, session: Any) -> None:
        from .collect import CaseItem

        self.cases = [i.case for i in session.items if isinstance(i, CaseItem)]


def _collect_cases(ns: argparse.Namespace) -> list[Any]:
    import pytest

    import io

    lister = _Lister()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # pytest's per-file counts are noise here; shown only on errors
        code = pytest.main([*_case_args(ns), *_base_pytest_args(), "--collect-only", "-qq", "--dicomweb-tentative"],
                           plugins=[lister])
    if int(code) not in (0, 5):
        sys.stderr.write(out.getvalue())
        raise UsageError("the case files could not be collected (see the errors above)")
    return lister.cases


def cmd_list(ns: argparse.Namespace) -> int:
    lister = _Lister()
    lister.cases = _collect_cases(ns)
    if ns.format == "json":
        print(json.dumps([{"id": c.id, "title": c.title, "transaction": c.transaction, "requirements": list(c.requirements),
                           "level": c.level, "source": str(c.source)} for c in lister.cases], indent=1))
        return 0
    for c in sorted(lister.cases, key=lambda c: (c.transaction, c.id)):
        print(f"{c.id:55} {c.transaction:20} {c.level:6} {','.join(c.requirements)}")
    print(f"{len(lister.cases)} cases")
    return 0


def cmd_validate(ns: argparse.Namespace) -> int:
    from .dicom.files import validate_files

    return validate_files(ns.files, strict=ns.strict, out=sys.stdout)


def cmd_schema(ns: argparse.Namespace) -> int:
    from .cases.schema import schema_text
    from .checks import REGISTRY

    sys.stdout.write(schema_text(REGISTRY))
    return 0


def cmd_matrix(ns: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .reporting.matrix import write_matrix
    from .reporting.runs import load_run

    md, page = write_matrix([load_run(f) for f in ns.folders], load_catalog(), Path(ns.out))
    print(f"wrote {page} and {md}")
    return 0


def cmd_coverage(ns: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .reporting.coverage import coverage, coverage_markdown
    from .reporting.runs import load_run

    report = coverage(load_catalog(tuple(ns.catalog)), _collect_cases(ns), [load_run(f) for f in ns.folders])
    sys.stdout.write(json.dumps(report, indent=1) + "\n" if ns.format == "json" else coverage_markdown(report))
    return 0


def cmd_statement(ns: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .reporting.runs import load_run
    from .reporting.statement import statement_markdown

    sys.stdout.write(statement_markdown(load_run(ns.folder), load_catalog()))
    return 0


def cmd_expectations(ns: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .expectations import draft_expectations
    from .reporting.runs import load_run

    run = load_run(ns.folder)
    sys.stdout.write(draft_expectations(run.doc, load_catalog(), ns.target_name or run.name))
    return 0


COMMANDS = {"expectations": cmd_expectations, "run": cmd_run, "list": cmd_list, "validate": cmd_validate, "schema": cmd_schema,
            "matrix": cmd_matrix, "coverage": cmd_coverage, "statement": cmd_statement}


def main(argv: Sequence[str] | None = None) -> int:
    ns = _parser().parse_args(argv)
    try:
        return COMMANDS[ns.command](ns)
    except UsageError as exc:
        print(f"dicomweb-conformance: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except HarnessError as exc:
        print(f"dicomweb-conformance: error: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("dicomweb-conformance: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
