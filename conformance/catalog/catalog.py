"""Load the requirement catalog shipped with the package (requirements.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import EDITION
from ..errors import UsageError

CATALOG_FILE = Path(__file__).with_name("requirements.yaml")
STANDARD_BASE = f"https://dicom.nema.org/medical/dicom/{EDITION}/output/html/part18.html"
LEVELS = ("shall", "should", "may", "user-agent", "documentation")


@dataclass(frozen=True)
class Requirement:
    id: str
    section: str
    level: str
    transaction: str
    summary: str
    testable: str = "black-box"
    table: str | None = None
    condition: str | None = None
    tentative: str | None = None  # the draft supplement / CP it comes from

    @property
    def url(self) -> str:
        return section_url(self.section, self.table)

    @property
    def citation(self) -> str:
        where = f"PS3.18 {EDITION} §{self.section}" if not self.section.startswith("PS3.") else self.section
        return f"{where}, Table {self.table}" if self.table else where


def section_url(section: str, table: str | None = None) -> str:
    """Link into the single-page HTML edition; other parts link to their own page."""
    if section.startswith("PS3."):
        part, _, sect = section.partition(" ")
        number = part.removeprefix("PS3.")
        return STANDARD_BASE.replace("part18", f"part{int(number):02d}") + f"#sect_{sect}"
    if table:
        return f"{STANDARD_BASE}#table_{table}"
    return f"{STANDARD_BASE}#sect_{section}"


@dataclass(frozen=True)
class Catalog:
    edition: str
    requirements: dict[str, Requirement]

    def get(self, rid: str) -> Requirement | None:
        return self.requirements.get(rid)

    def __contains__(self, rid: object) -> bool:
        return rid in self.requirements

    def __len__(self) -> int:
        return len(self.requirements)


def _parse(raw: object, source: str) -> Catalog:
    if not isinstance(raw, dict) or not isinstance(raw.get("requirements"), list):
        raise UsageError(f"{source}: a catalog needs a top-level 'requirements' list")
    reqs: dict[str, Requirement] = {}
    fields = set(Requirement.__dataclass_fields__)
    for entry in raw["requirements"]:
        if not isinstance(entry, dict) or "id" not in entry:
            raise UsageError(f"{source}: every requirement needs an 'id': {entry!r}")
        bad = [k for k, v in entry.items() if k in fields and v is not None and not isinstance(v, str)]
        if bad:
            # e.g. an unquoted `no` is YAML for false: refuse rather than store "False"
            raise UsageError(f"{source}: requirement {entry['id']}: {', '.join(bad)} must be text (quote it)")
        known = {k: v for k, v in entry.items() if k in fields}
        try:
            req = Requirement(**known)  # type: ignore[arg-type]
        except TypeError as exc:
            raise UsageError(f"{source}: requirement {entry['id']}: {exc}") from None
        if req.id in reqs:
            raise UsageError(f"{source}: requirement id {req.id} appears twice")
        reqs[req.id] = req
    return Catalog(edition=str(raw.get("edition", EDITION)), requirements=reqs)


def _load_yaml(text: str) -> Any:
    """safe_load through libyaml when PyYAML has it (about 10x faster on the catalog)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)


def _load_user_yaml(text: str, path: str) -> Any:
    """An editor's catalog file: bad YAML is a usage error naming the line, and aliases are refused
    (a catalog has no use for them, and nested ones expand into billions of nodes)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if "*" in text:
            for event in yaml.parse(text, Loader=loader):
                if isinstance(event, yaml.AliasEvent):
                    raise UsageError(f"{path}:{event.start_mark.line + 1}: YAML alias *{event.anchor}: "
                                     "aliases are not allowed in a catalog file; write the value out")
        return _load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UsageError(f"{path}:{mark.line + 1 if mark else '?'}: YAML syntax: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not YAML: {exc}") from None


@lru_cache(maxsize=8)
def load_catalog(extra: tuple[str, ...] = ()) -> Catalog:
    """The shipped catalog, plus extra catalog files (editors' draft requirements)."""
    base = _parse(_load_yaml(CATALOG_FILE.read_text(encoding="utf-8")), str(CATALOG_FILE))
    merged = dict(base.requirements)
    for path in extra:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read catalog {path}: {exc.strerror}") from None
        more = _parse(_load_user_yaml(text, path), path)
        for rid, req in more.requirements.items():
            if rid in merged:
                raise UsageError(f"{path}: requirement id {rid} is already in the catalog")
            merged[rid] = req
    return Catalog(edition=base.edition, requirements=merged)
