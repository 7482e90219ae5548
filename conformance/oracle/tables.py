"""The standard's tables that the oracle needs, as data.

* Resources and their levels: PS3.18 2024e Table 10.6.1-1 (resources), Table 10.6.1-4
  (IE levels a server must support per resource) and §10.6.1.2.1 (which IE levels a user
  agent may put in the query of each resource).
* Required matching attributes: PS3.18 Table 10.6.1-5.
* Return attributes: PS3.18 Tables 10.6.3-3 (study), 10.6.3-4 (series), 10.6.3-5 (instance),
  keyed by the Query/Retrieve attribute type (U, R, C; PS3.4 C.2.2.1).
* Which Information Entity an attribute belongs to: PS3.4 C.6.1.1.2-C.6.1.1.5 and C.6.2.1
  (Study Root keys) plus the IE mapping of the PS3.3 modules named there (Patient, General
  Study, Patient Study, General Series, General Equipment, General Image/SOP Common).
  The list is deliberately finite: an attribute the oracle cannot place makes it raise
  ``OracleUnsupported`` instead of guessing its level.
"""

from __future__ import annotations

from typing import Final, Literal

from pydicom.datadict import tag_for_keyword

__all__ = [
    "Level",
    "Resource",
    "IE_LEVELS",
    "ie_level_of",
    "REQUIRED_IE_LEVELS",
    "ALLOWED_KEY_LEVELS",
    "REQUIRED_MATCHING",
    "RETURN_TABLES",
    "COMPUTED",
    "ADDITIONAL_QR",
    "NEVER_MATCHED",
    "tag",
]

Level = Literal["study", "series", "instance"]
IELevel = Literal["patient", "study", "series", "instance"]
Resource = Literal[
    "all-studies",
    "studys-series",
    "studys-instances",
    "all-series",
    "study-series-instances",
    "all-instances",
]


def tag(keyword: str) -> int:
    """Tag of a PS3.6 keyword; fails loudly at import time on a typo in these tables."""
    value = tag_for_keyword(keyword)
    if value is None:
        raise KeyError(f"not a PS3.6 keyword: {keyword}")
    return int(value)


def _tags(*keywords: str) -> frozenset[int]:
    return frozenset(tag(k) for k in keywords)


# --- Information Entity of each attribute (PS3.4 C.6.1.1 / C.6.2.1, PS3.3 modules) -------------

_PATIENT = _tags(
    "PatientName", "PatientID", "IssuerOfPatientID", "IssuerOfPatientIDQualifiersSequence",
    "OtherPatientIDsSequence", "OtherPatientNames", "PatientBirthDate", "PatientBirthTime",
    "PatientSex", "PatientBirthName", "PatientMotherBirthName", "EthnicGroup", "PatientComments",
    "NumberOfPatientRelatedStudies", "NumberOfPatientRelatedSeries",
    "NumberOfPatientRelatedInstances", "PatientSpeciesDescription", "PatientBreedDescription",
    "ResponsiblePerson", "ResponsibleOrganization", "PatientIdentityRemoved",
    "PatientSexNeutered",
)
_STUDY = _tags(
    "StudyInstanceUID", "StudyDate", "StudyTime", "AccessionNumber",
    "IssuerOfAccessionNumberSequence", "StudyID", "ReferringPhysicianName",
    "ReferringPhysicianIdentificationSequence", "ConsultingPhysicianName", "StudyDescription",
    "PhysiciansOfRecord", "NameOfPhysiciansReadingStudy", "ProcedureCodeSequence",
    "ReasonForPerformedProcedureCodeSequence", "AdmittingDiagnosesDescription",
    "AdmittingDiagnosesCodeSequence", "PatientAge", "PatientSize", "PatientWeight", "Occupation",
    "AdditionalPatientHistory", "AdmissionID", "IssuerOfAdmissionIDSequence", "ServiceEpisodeID",
    "ServiceEpisodeDescription", "SmokingStatus", "PregnancyStatus", "LastMenstrualDate",
    "PatientState", "MedicalAlerts", "Allergies", "OtherStudyNumbers", "ModalitiesInStudy",
    "SOPClassesInStudy", "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances",
)
_SERIES = _tags(
    "SeriesInstanceUID", "Modality", "SeriesNumber", "Laterality", "SeriesDate", "SeriesTime",
    "SeriesDescription", "SeriesDescriptionCodeSequence", "PerformingPhysicianName",
    "PerformingPhysicianIdentificationSequence", "ProtocolName", "OperatorsName",
    "OperatorIdentificationSequence", "ReferencedPerformedProcedureStepSequence",
    "RelatedSeriesSequence", "BodyPartExamined", "PatientPosition", "SmallestPixelValueInSeries",
    "LargestPixelValueInSeries", "RequestAttributesSequence", "PerformedProcedureStepID",
    "PerformedProcedureStepStartDate", "PerformedProcedureStepStartTime",
    "PerformedProcedureStepEndDate", "PerformedProcedureStepEndTime",
    "PerformedProcedureStepDescription", "PerformedProtocolCodeSequence",
    "CommentsOnThePerformedProcedureStep", "AnatomicalOrientationType",
    "NumberOfSeriesRelatedInstances", "Manufacturer", "InstitutionName", "InstitutionAddress",
    "StationName", "InstitutionalDepartmentName", "ManufacturerModelName", "DeviceSerialNumber",
    "SoftwareVersions",
)
_INSTANCE = _tags(
    "SOPClassUID", "SOPInstanceUID", "InstanceNumber", "Rows", "Columns", "BitsAllocated",
    "NumberOfFrames", "ContentDate", "ContentTime", "AcquisitionDate", "AcquisitionTime",
    "AcquisitionDateTime", "AcquisitionNumber", "ImageType", "InstanceCreationDate",
    "InstanceCreationTime", "InstanceCreatorUID", "ContentLabel", "ContentDescription",
    "ContentCreatorName", "ConceptNameCodeSequence", "CompletionFlag", "VerificationFlag",
    "PhotometricInterpretation", "SamplesPerPixel", "BitsStored", "HighBit",
    "PixelRepresentation", "ImageComments", "PresentationCreationDate",
)

IE_LEVELS: Final[dict[IELevel, frozenset[int]]] = {
    "patient": _PATIENT,
    "study": _STUDY,
    "series": _SERIES,
    "instance": _INSTANCE,
}


def ie_level_of(attribute: int) -> IELevel | None:
    """The IE an attribute belongs to, or None when these tables do not place it."""
    for level, members in IE_LEVELS.items():
        if attribute in members:
            return level
    return None


# Attributes the server computes from its holdings rather than copying from an instance.
COMPUTED: Final[frozenset[int]] = _tags(
    "ModalitiesInStudy", "SOPClassesInStudy", "NumberOfStudyRelatedSeries",
    "NumberOfStudyRelatedInstances", "NumberOfSeriesRelatedInstances",
    "NumberOfPatientRelatedStudies", "NumberOfPatientRelatedSeries",
    "NumberOfPatientRelatedInstances",
)

# PS3.4 C.3.4 Additional Query/Retrieve Attributes and §10.6.1.2.1's Timezone Offset From UTC.
ADDITIONAL_QR: Final[frozenset[int]] = _tags(
    "SpecificCharacterSet", "TimezoneOffsetFromUTC", "InstanceAvailability", "RetrieveAETitle",
    "RetrieveURL", "StorageMediaFileSetID", "StorageMediaFileSetUID", "RetrieveLocationUID",
    "QueryRetrieveLevel", "AvailableTransferSyntaxUID",
)

# PS3.4 C.2.2.2: Specific Character Set may be in the identifier but is never matched.
NEVER_MATCHED: Final[frozenset[int]] = _tags("SpecificCharacterSet")


# --- Resources (Table 10.6.1-1, Table 10.6.1-4, §10.6.1.2.1) -----------------------------------

REQUIRED_IE_LEVELS: Final[dict[Resource, frozenset[Level]]] = {
    "all-studies": frozenset({"study"}),
    "studys-series": frozenset({"series"}),
    "studys-instances": frozenset({"series", "instance"}),
    "all-series": frozenset({"study", "series"}),
    "study-series-instances": frozenset({"instance"}),
    "all-instances": frozenset({"study", "series", "instance"}),
}

# §10.6.1.2.1: Patient IE attributes are allowed on every resource; the others only here.
ALLOWED_KEY_LEVELS: Final[dict[Resource, frozenset[IELevel]]] = {
    "all-studies": frozenset({"patient", "study"}),
    "studys-series": frozenset({"patient", "series"}),
    "studys-instances": frozenset({"patient", "series", "instance"}),
    "all-series": frozenset({"patient", "study", "series"}),
    "study-series-instances": frozenset({"patient", "instance"}),
    "all-instances": frozenset({"patient", "study", "series", "instance"}),
}

# Table 10.6.1-5. Sequence rows are given as paths; the bare sequence (universal) is included.
_RAS = tag("RequestAttributesSequence")
REQUIRED_MATCHING: Final[dict[Level, frozenset[int | tuple[int, ...]]]] = {
    "study": frozenset(
        _tags(
            "StudyDate", "StudyTime", "AccessionNumber", "ModalitiesInStudy",
            "ReferringPhysicianName", "PatientName", "PatientID", "StudyInstanceUID", "StudyID",
        )
    ),
    "series": frozenset(
        {
            *_tags(
                "Modality", "SeriesInstanceUID", "SeriesNumber", "PerformedProcedureStepStartDate",
                "PerformedProcedureStepStartTime", "RequestAttributesSequence",
            ),
            (_RAS, tag("ScheduledProcedureStepID")),
            (_RAS, tag("RequestedProcedureID")),
        }
    ),
    "instance": frozenset(_tags("SOPClassUID", "SOPInstanceUID", "InstanceNumber")),
}


# --- Return attributes (Tables 10.6.3-3, 10.6.3-4, 10.6.3-5) -----------------------------------
# "C" rows are "shall be present if known"; Retrieve URL is conditional on retrievability in all
# three tables even where its Type column says R, so it is listed as "C" here.

RETURN_TABLES: Final[dict[Level, dict[int, Literal["U", "R", "C"]]]] = {
    "study": {
        tag("StudyDate"): "R",
        tag("StudyTime"): "R",
        tag("AccessionNumber"): "R",
        tag("InstanceAvailability"): "C",
        tag("ModalitiesInStudy"): "R",
        tag("ReferringPhysicianName"): "R",
        tag("TimezoneOffsetFromUTC"): "C",
        tag("RetrieveURL"): "C",
        tag("PatientName"): "R",
        tag("PatientID"): "R",
        tag("PatientBirthDate"): "R",
        tag("PatientSex"): "R",
        tag("StudyInstanceUID"): "U",
        tag("StudyID"): "R",
        tag("NumberOfStudyRelatedSeries"): "R",
        tag("NumberOfStudyRelatedInstances"): "R",
    },
    "series": {
        tag("Modality"): "R",
        tag("TimezoneOffsetFromUTC"): "C",
        tag("SeriesDescription"): "C",
        tag("RetrieveURL"): "C",
        tag("SeriesInstanceUID"): "U",
        tag("SeriesNumber"): "R",
        tag("NumberOfSeriesRelatedInstances"): "R",
        tag("PerformedProcedureStepStartDate"): "C",
        tag("PerformedProcedureStepStartTime"): "C",
        tag("RequestAttributesSequence"): "C",
    },
    "instance": {
        tag("SOPClassUID"): "R",
        tag("SOPInstanceUID"): "U",
        tag("InstanceAvailability"): "C",
        tag("TimezoneOffsetFromUTC"): "C",
        tag("RetrieveURL"): "C",
        tag("InstanceNumber"): "R",
        tag("Rows"): "C",
        tag("Columns"): "C",
        tag("BitsAllocated"): "C",
        tag("NumberOfFrames"): "C",
    },
}
