"""DICOM data models: validators of the DICOM JSON Model (PS3.18 Annex F) and the Native DICOM Model XML
(PS3.19 Annex A), an interoperability lint, and semantic comparison with pydicom datasets."""
