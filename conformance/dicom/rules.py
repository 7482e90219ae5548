"""The rule catalog of the DICOM JSON / Native XML validators and the lint.

Every rule has a stable id, a default severity and the section that states it. Sections without a part prefix are
PS3.18 (2024e); "PS3.19 ..." marks the Native DICOM Model text and schema. Value-level rules come from PS3.5 Table
6.2-1, which Annex F imports through F.2.3 (and PS3.19 through A.1.1); they exist once per model with a prefix.
"""

from __future__ import annotations

from .findings import ERROR, WARNING, Rule

# Rules about single values; both models check them with the same code (values.py).
_VALUE_RULES: dict[str, str] = {
    "AE-FORMAT": "AE: default repertoire without backslash or control characters, not all spaces",
    "AS-FORMAT": "AS: nnnD, nnnW, nnnM or nnnY",
    "AT-FORMAT": "AT: eight uppercase hexadecimal characters",
    "CS-FORMAT": "CS: uppercase letters, digits, space and underscore",
    "DA-FORMAT": "DA: YYYYMMDD, a real Gregorian date",
    "DS-FORMAT": "DS: a fixed or floating point decimal number",
    "DT-FORMAT": "DT: YYYYMMDDHHMMSS.FFFFFF&ZZXX with optional trailing components",
    "IS-FORMAT": "IS: a base-10 integer in [-2^31, 2^31-1]",
    "TM-FORMAT": "TM: HHMMSS.FFFFFF with optional trailing components",
    "UI-FORMAT": "UI: dot-separated numeric components without leading zeros",
    "UR-FORMAT": "UR: RFC 3986 characters, no leading space",
    "SV-FORMAT": "SV as a string: a base-10 integer in the signed 64-bit range",
    "UV-FORMAT": "UV as a string: a base-10 integer in the unsigned 64-bit range",
    "VALUE-TOO-LONG": "value longer than the VR's Length of Value",
    "CONTROL-CHAR": "control character the VR's repertoire excludes",
    "STRING-BACKSLASH": "backslash inside one value of a VR whose values it would split",
    "NUMBER-OUT-OF-RANGE": "number outside the range of the VR",
    "NUMBER-NOT-INTEGER": "non-integral number for an integer VR",
    "NUMBER-NOT-FINITE": "NaN or infinity, which a JSON number cannot be",
    "EMPTY-IN-FIXED-LENGTH-VR": "empty value for a fixed-length binary VR, which cannot hold one",
    "PN-TOO-MANY-COMPONENTS": "a PN component group with more than five components",
}

_JSON_RULES: tuple[Rule, ...] = (
    Rule("JSON-SYNTAX", ERROR, "F.1", "the payload is not JSON text"),
    Rule("JSON-NOT-UTF8", ERROR, "F.2", "the payload is not UTF-8"),
    Rule("JSON-UTF8-BOM", WARNING, "F.2", "UTF-8 with a byte order mark, which JSON text must not carry"),
    Rule("JSON-DUPLICATE-KEY", ERROR, "F.3.1", "a member name appears twice in one object"),
    Rule("JSON-TOO-DEEP", ERROR, "F.2.2", "sequences nested too deeply to validate"),
    Rule("JSON-TOP-LEVEL-TYPE", ERROR, "F.2.1", "the document is neither a dataset object nor an array of them"),
    Rule("JSON-TOP-NOT-ARRAY", ERROR, "F.2.1", "search results and metadata are one top-level array"),
    Rule("JSON-TOP-NOT-OBJECT", ERROR, "10.5.3.3", "a Store response is one Store Instances Response Module"),
    Rule("JSON-DATASET-NOT-OBJECT", ERROR, "F.2.1", "a member of the top-level array is not an object"),
    Rule("JSON-TAG-INVALID", ERROR, "F.2.2", "attribute name is not eight hexadecimal characters"),
    Rule("JSON-TAG-LOWERCASE", ERROR, "F.2.2", "attribute name uses lowercase hexadecimal"),
    Rule("JSON-TAG-ORDER", ERROR, "F.2.2", "attributes are not in ascending tag order"),
    Rule("JSON-GROUP-LENGTH", ERROR, "F.2.2", "Group Length (gggg,0000) attributes are not allowed"),
    Rule("JSON-FILE-META-PRESENT", ERROR, "10.5.1.4", "Group 0002 File Meta Information inside metadata"),
    Rule("JSON-ATTRIBUTE-NOT-OBJECT", ERROR, "F.2.2", "an attribute is not a JSON object"),
    Rule("JSON-ATTRIBUTE-UNKNOWN-MEMBER", ERROR, "F.2.2", "attribute object member other than vr/Value/BulkDataURI/InlineBinary"),
    Rule("JSON-VR-MISSING", ERROR, "F.2.2", "attribute object without \"vr\""),
    Rule("JSON-VR-INVALID", ERROR, "F.2.3", "\"vr\" is not one of the VRs of Table F.2.3-1"),
    Rule("JSON-VR-DICTIONARY-MISMATCH", ERROR, "F.2.3", "VR differs from the PS3.6 data dictionary for the tag"),
    Rule("JSON-VALUE-CONFLICT", ERROR, "F.2.2", "more than one of Value, BulkDataURI, InlineBinary"),
    Rule("JSON-VALUE-NOT-ARRAY", ERROR, "F.2.4", "\"Value\" is not an array"),
    Rule("JSON-EMPTY-VALUE-NOT-OMITTED", ERROR, "F.2.5", "a zero-length attribute must carry no Value"),
    Rule("JSON-EMPTY-STRING-NOT-NULL", ERROR, "F.2.5", "an empty value inside Value must be null, not \"\""),
    Rule("JSON-BINARY-VR-HAS-VALUE", ERROR, "F.2.2", "OB/OD/OF/OL/OV/OW/UN carry InlineBinary or BulkDataURI, not Value"),
    Rule("JSON-STRING-VR-NOT-STRING", ERROR, "F.2.3", "a string VR value is not a JSON string"),
    Rule("JSON-NUMBER-VR-NOT-NUMBER", ERROR, "F.2.3", "an FL/FD/SL/SS/UL/US value is not a JSON number"),
    Rule("JSON-NUMERIC-STRING-VR-TYPE", ERROR, "F.2.3", "an IS/DS/SV/UV value is neither a number nor a string"),
    Rule("JSON-PN-NOT-OBJECT", ERROR, "F.2.2", "a PN value is not an object of component groups"),
    Rule("JSON-PN-UNKNOWN-GROUP", ERROR, "F.2.2", "PN member other than Alphabetic/Ideographic/Phonetic"),
    Rule("JSON-PN-GROUP-NOT-STRING", ERROR, "F.2.2", "a PN component group is not a string"),
    Rule("JSON-PN-EMPTY-GROUP", ERROR, "F.2.2", "only non-empty PN component groups are encoded"),
    Rule("JSON-PN-GROUP-DELIMITER", ERROR, "F.2.2", "'=' inside a PN group: groups must be split into members"),
    Rule("JSON-SQ-ITEM-NOT-OBJECT", ERROR, "F.2.5", "a sequence item is not an object (empty items are {})"),
    Rule("JSON-BULKDATA-NOT-STRING", ERROR, "F.2.6", "BulkDataURI is not a string"),
    Rule("JSON-BULKDATA-VR-NOT-ALLOWED", ERROR, "F.2.2", "BulkDataURI on a VR that may not carry one"),
    Rule("JSON-BULKDATA-URI-INVALID", ERROR, "F.2.6", "BulkDataURI is not an HTTP(S) URI reference"),
    Rule("JSON-INLINEBINARY-NOT-STRING", ERROR, "F.2.7", "InlineBinary is not a string"),
    Rule("JSON-INLINEBINARY-VR-NOT-ALLOWED", ERROR, "F.2.2", "InlineBinary on a VR other than OB/OD/OF/OL/OV/OW/UN"),
    Rule("JSON-INLINEBINARY-NOT-BASE64", ERROR, "F.2.7", "InlineBinary is not base64"),
    Rule("JSON-INLINEBINARY-LENGTH", ERROR, "F.2.7", "decoded length is not a multiple of the VR's unit"),
    Rule("JSON-PRIVATE-CREATOR-MISSING", ERROR, "F.2.2", "private element without its Private Creator (PS3.5 7.8.1)"),
    Rule("JSON-PRIVATE-CREATOR-VR", ERROR, "F.3.1", "a Private Creator element must have VR LO"),
    Rule("JSON-PRIVATE-CREATOR-VALUE", ERROR, "F.3.1", "a Private Creator must hold exactly one non-empty value"),
    Rule("JSON-PRIVATE-GROUP-RESERVED", ERROR, "F.2.2", "groups 0001, 0003, 0005, 0007 and FFFF may not be used (PS3.5 7.1)"),
)

_XML_RULES: tuple[Rule, ...] = (
    Rule("XML-SYNTAX", ERROR, "PS3.19 A.1.5", "the payload is not well-formed XML"),
    Rule("XML-MULTIPART", ERROR, "8.7.3.2", "a multipart body of XML parts cannot be split"),
    Rule("XML-ROOT", ERROR, "PS3.19 A.1.6", "the root element is not NativeDicomModel"),
    Rule("XML-NAMESPACE", ERROR, "PS3.19 A.1.6", "elements in a namespace other than the NativeDICOM one"),
    Rule("XML-NAMESPACE-MISSING", WARNING, "PS3.19 A.1.6", "no NativeDICOM default namespace (PS3.18 F.2.1.1.1 omits it too)"),
    Rule("XML-SPACE-PRESERVE", ERROR, "PS3.19 A.1.5", "NativeDicomModel must carry xml:space=\"preserve\""),
    Rule("XML-UNEXPECTED-ELEMENT", ERROR, "PS3.19 A.1.6", "an element the schema does not allow here"),
    Rule("XML-UNEXPECTED-ATTRIBUTE", ERROR, "PS3.19 A.1.6", "an XML attribute the schema does not allow here"),
    Rule("XML-FOREIGN-ATTRIBUTE", WARNING, "PS3.19 A.1.6", "an attribute from another namespace (e.g. xsi:)"),
    Rule("XML-UNEXPECTED-TEXT", ERROR, "PS3.19 A.1.6", "character data where the schema allows only elements"),
    Rule("XML-TAG-MISSING", ERROR, "PS3.19 A.1.6", "DicomAttribute without tag"),
    Rule("XML-TAG-INVALID", ERROR, "PS3.19 A.1.6", "tag is not eight uppercase hexadecimal characters"),
    Rule("XML-VR-MISSING", ERROR, "PS3.19 A.1.6", "DicomAttribute without vr (the schema requires it)"),
    Rule("XML-VR-INVALID", ERROR, "PS3.19 A.1.6", "vr is not one of the schema's VRs"),
    Rule("XML-VR-DICTIONARY-MISMATCH", ERROR, "PS3.19 A.1.5", "vr differs from the PS3.6 data dictionary"),
    Rule("XML-GROUP-LENGTH", ERROR, "PS3.19 A.1.1", "Group Length (gggg,0000) attributes are not allowed"),
    Rule("XML-DUPLICATE-TAG", ERROR, "F.3.1", "the same attribute twice in one dataset"),
    Rule("XML-KEYWORD-MISMATCH", ERROR, "PS3.19 A.1.5", "keyword is not the PS3.6 keyword of the tag"),
    Rule("XML-KEYWORD-MISSING", WARNING, "PS3.19 A.1.5", "keyword omitted for a tag the data dictionary knows"),
    Rule("XML-CONTENT-CONFLICT", ERROR, "PS3.19 A.1.6", "more than one of BulkData, Value, Item, PersonName, InlineBinary"),
    Rule("XML-VALUE-FOR-SQ-OR-PN", ERROR, "PS3.19 A.1.5", "Value is not used for SQ or PN"),
    Rule("XML-ITEM-VR-NOT-SQ", ERROR, "PS3.19 A.1.5", "Item only in an SQ attribute"),
    Rule("XML-PERSONNAME-VR-NOT-PN", ERROR, "PS3.19 A.1.5", "PersonName only in a PN attribute"),
    Rule("XML-INLINEBINARY-VR-NOT-ALLOWED", ERROR, "PS3.19 A.1.5", "InlineBinary only for OB/OD/OF/OL/OV/OW/UN"),
    Rule("XML-INLINEBINARY-NOT-BASE64", ERROR, "PS3.19 A.1.6", "InlineBinary is not xsd:base64Binary"),
    Rule("XML-INLINEBINARY-LENGTH", ERROR, "PS3.19 A.1.5", "decoded length is not a multiple of the VR's unit"),
    Rule("XML-NUMBER-INVALID", ERROR, "PS3.19 A.1.6", "number is missing or not a positive integer"),
    Rule("XML-NUMBER-SEQUENCE", ERROR, "PS3.19 A.1.5", "numbers do not run 1, 2, 3 ... in document order"),
    Rule("XML-BULKDATA-REFERENCE", ERROR, "PS3.19 A.1.6", "BulkData needs exactly one of uri and uuid"),
    Rule("XML-BULKDATA-URI-MISSING", ERROR, "PS3.19 A.1.5", "BulkData in a metadata response needs a uri"),
    Rule("XML-PRIVATE-CREATOR-MISSING", ERROR, "PS3.19 A.1.5", "private data element without privateCreator"),
    Rule("XML-PRIVATE-CREATOR-NOT-ALLOWED", ERROR, "PS3.19 A.1.5", "privateCreator on a standard data element"),
    Rule("XML-PRIVATE-TAG-FORM", ERROR, "PS3.19 A.1.5", "private data element tag must be gggg00ee"),
    Rule("XML-PN-COMPONENT-DELIMITER", ERROR, "PS3.19 A.1.5", "'^' or '=' inside a PersonName component"),
    Rule("XML-NUMBER-FORMAT", ERROR, "PS3.19 A.1.5", "a value of a binary numeric VR is not a number"),
    Rule("XML-SCHEMA", ERROR, "PS3.19 A.1.6", "RELAX NG validation failed for a reason no other rule names"),
)

_LINT_RULES: tuple[Rule, ...] = (
    Rule("LINT-NUMBER-PRECISION", WARNING, "F.2.3", "integer beyond ±(2^53-1) as a JSON number: JavaScript clients lose digits"),
    Rule("LINT-DS-AS-NUMBER-PRECISION", WARNING, "F.2.3", "DS as a JSON number with more digits than a double keeps"),
    Rule("LINT-IS-AS-STRING", WARNING, "F.2.3", "IS as a JSON string: legal, but clients that expect numbers break"),
    Rule("LINT-NUMERIC-ENCODING-MIXED", WARNING, "F.2.3", "IS/DS/SV/UV as numbers in some places and strings in others"),
    Rule("LINT-INTEGER-AS-FLOAT", WARNING, "F.2.3", "an integer VR written with a fraction or exponent (e.g. 512.0)"),
    Rule("LINT-BULKDATA-RELATIVE-URI", WARNING, "F.2.6", "relative BulkDataURI: clients resolve it against different bases"),
    Rule("LINT-BULKDATA-MIXED-ORIGINS", WARNING, "F.2.6", "BulkDataURIs of one response point at different origins"),
    Rule("LINT-BINARY-MIXED-ENCODING", WARNING, "F.2.6", "one tag as InlineBinary in some datasets, BulkDataURI in others"),
    Rule("LINT-STRING-PADDING", WARNING, "F.1", "PS3.5 padding (spaces, NUL) kept in a JSON value"),
    Rule("LINT-PN-EMPTY-OBJECT", WARNING, "F.2.5", "{} as an empty PN value where F.2.5 uses null"),
    Rule("LINT-CHARSET-NOT-UTF8", WARNING, "F.2", "Specific Character Set other than ISO_IR 192 in a UTF-8 JSON document"),
    Rule("LINT-LARGE-INLINEBINARY", WARNING, "10.4.3.3.2", "InlineBinary over 1 MiB where a BulkDataURI is expected"),
    Rule("LINT-UN-FOR-KNOWN-TAG", WARNING, "F.2.3", "VR UN for a tag whose VR the data dictionary gives"),
    Rule("LINT-DELIMITER-GLYPH", WARNING, "F.2.4", "YEN SIGN in SH/LO/PN/UC becomes a delimiter in JIS X 0201"),
)


# Value rules that cannot arise in XML: its values are text (NaN is just text there, SV/UV read as numbers) and
# PN components are elements of their own.
_JSON_ONLY_VALUE_RULES = frozenset({"NUMBER-NOT-FINITE", "PN-TOO-MANY-COMPONENTS", "SV-FORMAT", "UV-FORMAT"})


def _value_rules(prefix: str, section: str, skip: frozenset[str] = frozenset()) -> tuple[Rule, ...]:
    return tuple(
        Rule(f"{prefix}-{suffix}", ERROR, section, summary)
        for suffix, summary in _VALUE_RULES.items()
        if suffix not in skip
    )


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        *_JSON_RULES,
        *_value_rules("JSON", "F.2.3"),
        *_XML_RULES,
        *_value_rules("XML", "PS3.19 A.1.5", _JSON_ONLY_VALUE_RULES),
        *_LINT_RULES,
    )
}
