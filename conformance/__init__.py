"""dicomweb-conformance: a conformance test harness for DICOMweb (DICOM PS3.18) servers."""

__version__ = "0.1.0"
EDITION = "2024e"

__all__ = ["__version__", "EDITION"]
