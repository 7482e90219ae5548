"""The stored datasets as the Query/Retrieve model sees them: studies, series, instances.

Instances are grouped by Study/Series Instance UID (PS3.4 C.6.2 Study Root). Attributes the
server computes from its holdings (ModalitiesInStudy, counts, SOPClassesInStudy) are derived
here, as PS3.4 C.6.1.1.3/C.6.2.1.2 and C.6.1.1.4 describe them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydicom.dataset import Dataset

from .elements import Values, element_values
from .errors import OracleUnsupported, UnknownEntity
from .tables import Level, tag

__all__ = [
    "InstanceEntity",
    "SeriesEntity",
    "StudyEntity",
    "Repository",
    "build_repository",
    "computed_values",
]

_STUDY_UID, _SERIES_UID = tag("StudyInstanceUID"), tag("SeriesInstanceUID")
_SOP_UID = tag("SOPInstanceUID")
_MODALITY, _SOP_CLASS = tag("Modality"), tag("SOPClassUID")


@dataclass(frozen=True)
class InstanceEntity:
    uid: str
    series_uid: str
    study_uid: str
    dataset: Dataset


@dataclass(frozen=True)
class SeriesEntity:
    uid: str
    study_uid: str
    instances: tuple[InstanceEntity, ...]


@dataclass(frozen=True)
class StudyEntity:
    uid: str
    series: tuple[SeriesEntity, ...]

    @property
    def instances(self) -> tuple[InstanceEntity, ...]:
        return tuple(instance for series in self.series for instance in series.instances)


@dataclass(frozen=True)
class Repository:
    studies: Mapping[str, StudyEntity]
    series: Mapping[str, SeriesEntity]
    instances: Mapping[str, InstanceEntity]

    def entities(self, level: Level) -> Mapping[str, StudyEntity | SeriesEntity | InstanceEntity]:
        if level == "study":
            return self.studies
        return self.series if level == "series" else self.instances


def _uid(dataset: Dataset, attribute: int, what: str) -> str:
    values = element_values(dataset, attribute)
    if not values or not values[0]:
        raise OracleUnsupported(f"a stored dataset has no {what}; no server could have stored it")
    return values[0].rstrip("\0 ")


def build_repository(datasets: Iterable[Dataset]) -> Repository:
    instances: dict[str, InstanceEntity] = {}
    for dataset in datasets:
        entity = InstanceEntity(
            uid=_uid(dataset, _SOP_UID, "SOPInstanceUID"),
            series_uid=_uid(dataset, _SERIES_UID, "SeriesInstanceUID"),
            study_uid=_uid(dataset, _STUDY_UID, "StudyInstanceUID"),
            dataset=dataset,
        )
        earlier = instances.get(entity.uid)
        if earlier is not None and earlier.dataset != dataset:
            raise OracleUnsupported(f"two different datasets share SOPInstanceUID {entity.uid}")
        instances[entity.uid] = entity
    by_series: dict[str, list[InstanceEntity]] = {}
    for instance in instances.values():
        by_series.setdefault(instance.series_uid, []).append(instance)
    series: dict[str, SeriesEntity] = {}
    for uid, members in by_series.items():
        study_uids = {member.study_uid for member in members}
        if len(study_uids) > 1:
            raise OracleUnsupported(
                f"series {uid} is stored under several studies: {sorted(study_uids)}"
            )
        series[uid] = SeriesEntity(uid, study_uids.pop(), tuple(members))
    by_study: dict[str, list[SeriesEntity]] = {}
    for one_series in series.values():
        by_study.setdefault(one_series.study_uid, []).append(one_series)
    studies = {uid: StudyEntity(uid, tuple(members)) for uid, members in by_study.items()}
    return Repository(studies, series, instances)


def _distinct(instances: Iterable[InstanceEntity], attribute: int) -> tuple[str, ...]:
    found: set[str] = set()
    for instance in instances:
        values = element_values(instance.dataset, attribute) or ()
        found.update(value.strip() for value in values if value.strip())
    return tuple(sorted(found))


def computed_values(repository: Repository, level: Level, uid: str) -> dict[int, Values]:
    """The computed attributes of one study or series, as stored-value tuples keyed by tag."""
    if level == "study":
        study = repository.studies.get(uid)
        if study is None:
            raise UnknownEntity(f"no stored study {uid}")
        return {
            tag("ModalitiesInStudy"): _distinct(study.instances, _MODALITY),
            tag("SOPClassesInStudy"): _distinct(study.instances, _SOP_CLASS),
            tag("NumberOfStudyRelatedSeries"): (str(len(study.series)),),
            tag("NumberOfStudyRelatedInstances"): (str(len(study.instances)),),
        }
    if level == "series":
        series = repository.series.get(uid)
        if series is None:
            raise UnknownEntity(f"no stored series {uid}")
        return {tag("NumberOfSeriesRelatedInstances"): (str(len(series.instances)),)}
    if uid not in repository.instances:
        raise UnknownEntity(f"no stored instance {uid}")
    return {}
