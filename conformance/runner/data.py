"""The run's fixture data and getting it onto the target exactly once.

Every process of a run (xdist workers included) builds the same corpus from the
shared run id. Storing it is done once per run: the first process that needs
data takes a file lock, stores the whole corpus with STOW-RS and writes the
outcome to a state file; the others wait on the lock and read that file.
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydicom import Dataset

from conformance_fixtures import Corpus, Instance, build_corpus
from conformance_fixtures.uids import run_tag

from ..errors import PreconditionError, TargetError
from .gc_policy import keep_out_of_gc


@dataclass(frozen=True)
class StoreOutcome:
    stored: bool
    reason: str = ""


@dataclass
class RunData:
    run_id: str
    state_dir: Path
    read_only: bool = False
    # Stores one study; returns key -> outcome. Supplied by the session (it owns the client).
    store_study: Callable[[str, tuple[Instance, ...]], dict[str, StoreOutcome]] | None = None
    _outcomes: dict[str, StoreOutcome] | None = field(default=None, repr=False)

    @cached_property
    def corpus(self) -> Corpus:
        corpus = build_corpus(self.run_id)
        keep_out_of_gc()  # the corpus lives as long as the run: no collection needs to scan it again
        return corpus

    @property
    def prefix(self) -> str:
        """Start of every PatientID of this run: a wildcard on it finds only this run's data."""
        return f"DWC{run_tag(self.run_id)}"

    def instance(self, key: str) -> Instance:
        return self.corpus.instance(key)

    def ensure_stored(self, keys: tuple[str, ...]) -> None:
        """Make sure these instances are on the target, or say why they cannot be."""
        if not keys:
            return
        if self.read_only:
            raise PreconditionError("read-only run: this case needs fixture data stored on the target")
        outcomes = self._load_or_seed()
        missing = [f"{k} ({outcomes[k].reason})" for k in keys if not outcomes.get(k, StoreOutcome(False, "unknown")).stored]
        if missing:
            raise PreconditionError("fixture data not stored on the target: " + "; ".join(missing))

    def record_created(self, uids: list[str]) -> None:
        """UIDs a case creates on the target (its fresh copies), for created-uids.json.

        One short line per call in append mode: atomic across xdist workers on POSIX."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / f"created-{self.run_id}.txt", "a", encoding="ascii") as fh:
            fh.write(" ".join(uids) + "\n")

    def stored_datasets(self) -> list[Dataset]:
        """What the server holds of this run (the search oracle's universe)."""
        outcomes = self._load_or_seed()
        return [i.dataset for i in self.corpus.instances if outcomes.get(i.key, StoreOutcome(False)).stored]

    def stored_keys(self) -> list[str]:
        outcomes = self._load_or_seed()
        return [k for k, o in outcomes.items() if o.stored]

    @property
    def _state_file(self) -> Path:
        return self.state_dir / f"seed-{self.run_id}.json"

    def _load_or_seed(self) -> dict[str, StoreOutcome]:
        if self._outcomes is not None:
            return self._outcomes
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / f"seed-{self.run_id}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if self._state_file.exists():
                    raw: dict[str, Any] = json.loads(self._state_file.read_text())
                    self._outcomes = {k: StoreOutcome(**v) for k, v in raw["outcomes"].items()}
                else:
                    self._outcomes = self._seed()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return self._outcomes

    def _seed(self) -> dict[str, StoreOutcome]:
        if self.store_study is None:
            raise TargetError("no target to store fixture data on")
        outcomes: dict[str, StoreOutcome] = {}
        started = time.time()
        failure = ""
        for study in self.corpus.study_keys():
            instances = self.corpus.in_study(study)
            if failure:  # the target already failed: record it once, do not make every case retry
                outcomes.update({i.key: StoreOutcome(False, failure) for i in instances})
                continue
            try:
                outcomes.update(self.store_study(study, instances))
            except TargetError as exc:
                failure = str(exc)
                outcomes.update({i.key: StoreOutcome(False, failure) for i in instances})
        record = {
            "run_id": self.run_id,
            "started": started,
            "outcomes": {k: {"stored": o.stored, "reason": o.reason} for k, o in outcomes.items()},
            "created_uids": sorted(self.corpus.uids()),
        }
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=1))
        tmp.replace(self._state_file)
        return outcomes


@dataclass
class CaseData:
    """The run's data as one case sees it: fixture instances plus its own fresh copies."""

    run: RunData
    local: dict[str, Instance] = field(default_factory=dict)

    def instance(self, key: str) -> Instance:
        return self.local[key] if key in self.local else self.run.instance(key)

    @property
    def run_id(self) -> str:
        return self.run.run_id

    @property
    def prefix(self) -> str:
        return self.run.prefix

    @property
    def corpus(self) -> Corpus:
        return self.run.corpus

    def stored_datasets(self) -> list[Dataset]:
        return self.run.stored_datasets()
