"""Single values against PS3.5 Table 6.2-1 (imported by F.2.3 and PS3.19 A.1.1): one table of good and bad values
per VR, and the rule each bad value breaks."""

from __future__ import annotations

import pytest

from conformance.dicom.values import STRING_CHECKS, check_number, check_pn_group, shortest_decimal_length

GOOD = {
    "AE": ["PACS_AE", " PACS ", "A" * 16],
    "AS": ["045Y", "003W", "000D", "012M"],
    "AT": ["00100020", "FFFEE000"],
    "CS": ["CT", "ORIGINAL", "DERIVED_1", "A B", "0" * 16],
    "DA": ["20130409", "20240229", "19000101"],
    "DS": ["0", "-1.5", "+.5", "1.", "1e10", "-1.25E-3", " 33.3 ", "1234567890123456"],
    "DT": ["2013", "201304", "20130409131600", "20130409131600.123456", "20130409131600+0100", "2013-0500", "20161231235960"],
    "IS": ["0", "-2147483648", "+2147483647", " 42 "],
    "LO": ["Hospital A", "Müller", "a" * 64, "\x1b$B"],
    "LT": ["line one\r\nline two\tand a tab", "C:\\path is fine in text"],
    "SH": ["11235813", "x" * 16],
    "ST": ["1 Main St\r\n\x0cnext page"],
    "TM": ["13", "1316", "131600", "131600.0000", "235960.999999", "131600 "],
    "UC": ["anything long " * 100],
    "UI": ["1.2.840.10008.1.2.1", "0.0", "2.25.329800735698586629295641978511506172918", "1." + "1" * 62],
    "UR": ["https://pacs.example/studies/1.2.3", "urn:oid:1.2.3", "/relative/path?x=1#frag", "http://h/a%20b "],
    "UT": ["unlimited \\ text"],
    "SV": ["-9223372036854775808", "9223372036854775807"],
    "UV": ["0", "18446744073709551615", "+1"],
}

BAD = {
    "AE": [("    ", "AE-FORMAT"), ("PACS\\AE", "STRING-BACKSLASH"), ("Ärzte", "AE-FORMAT"), ("A" * 17, "VALUE-TOO-LONG")],
    "AS": [("45Y", "AS-FORMAT"), ("045y", "AS-FORMAT"), ("045 Y", "AS-FORMAT")],
    "AT": [("0010002", "AT-FORMAT"), ("0010002g", "AT-FORMAT"), ("0010002a", "AT-FORMAT")],
    "CS": [("ct", "CS-FORMAT"), ("CT-1", "CS-FORMAT"), ("A" * 17, "VALUE-TOO-LONG"), ("CT\\MR", "STRING-BACKSLASH")],
    "DA": [("20130230", "DA-FORMAT"), ("20230229", "DA-FORMAT"), ("2013049", "DA-FORMAT"), ("20130409-20130410", "DA-FORMAT")],
    "DS": [("1,5", "DS-FORMAT"), ("1 5", "DS-FORMAT"), ("inf", "DS-FORMAT"), ("e5", "DS-FORMAT"),
           ("1.23456789012345678", "VALUE-TOO-LONG")],
    "DT": [("2013-04-09", "DT-FORMAT"), ("20131301", "DT-FORMAT"), ("20130409250000", "DT-FORMAT"),
           ("20130409131600.1234567", "DT-FORMAT"), ("20130409-1201", "DT-FORMAT"), ("2013040913160.5", "DT-FORMAT")],
    "IS": [("1.0", "IS-FORMAT"), ("2147483648", "IS-FORMAT"), ("1e3", "IS-FORMAT"), ("0000000000001", "VALUE-TOO-LONG")],
    "LO": [("a" * 65, "VALUE-TOO-LONG"), ("a\nb", "CONTROL-CHAR"), ("a\\b", "STRING-BACKSLASH")],
    "LT": [("bell\x07", "CONTROL-CHAR"), ("x" * 10241, "VALUE-TOO-LONG")],
    "SH": [("x" * 17, "VALUE-TOO-LONG"), ("tab\there", "CONTROL-CHAR")],
    "ST": [("x" * 1025, "VALUE-TOO-LONG"), ("vertical\x0btab", "CONTROL-CHAR")],
    "TM": [("13:16:00", "TM-FORMAT"), ("1316001", "TM-FORMAT"), ("246000", "TM-FORMAT"), ("136000", "TM-FORMAT")],
    "UC": [("a\\b", "STRING-BACKSLASH")],
    "UI": [("1.2.03", "UI-FORMAT"), ("1..2", "UI-FORMAT"), ("1.2.", "UI-FORMAT"), ("1.2.3\x00", "UI-FORMAT"),
           ("1." + "1" * 63, "VALUE-TOO-LONG"), ("1.2 ", "UI-FORMAT")],
    "UR": [(" https://x", "UR-FORMAT"), ("https://x/a b", "UR-FORMAT"), ("https://x/\\y", "UR-FORMAT")],
    "SV": [("9223372036854775808", "SV-FORMAT"), ("1.0", "SV-FORMAT")],
    "UV": [("-1", "UV-FORMAT"), ("18446744073709551616", "UV-FORMAT")],
}


@pytest.mark.parametrize(("vr", "value"), [(vr, value) for vr, values in GOOD.items() for value in values])
def test_value_allowed_by_ps35_passes(vr: str, value: str) -> None:
    assert STRING_CHECKS[vr](value) is None


@pytest.mark.parametrize(("vr", "value", "rule"), [(vr, v, r) for vr, cases in BAD.items() for v, r in cases])
def test_value_forbidden_by_ps35_names_the_rule(vr: str, value: str, rule: str) -> None:
    problem = STRING_CHECKS[vr](value)
    assert problem is not None and problem[0] == rule


@pytest.mark.parametrize(
    ("vr", "number", "rule"),
    [
        ("US", 65536, "NUMBER-OUT-OF-RANGE"), ("US", -1, "NUMBER-OUT-OF-RANGE"), ("SS", -32769, "NUMBER-OUT-OF-RANGE"),
        ("UL", 2**32, "NUMBER-OUT-OF-RANGE"), ("SL", 2**31, "NUMBER-OUT-OF-RANGE"), ("SV", 2**63, "NUMBER-OUT-OF-RANGE"),
        ("UV", -1, "NUMBER-OUT-OF-RANGE"), ("IS", 2**31, "NUMBER-OUT-OF-RANGE"), ("FL", 3.5e38, "NUMBER-OUT-OF-RANGE"),
        ("US", 1.5, "NUMBER-NOT-INTEGER"), ("IS", 0.1, "NUMBER-NOT-INTEGER"), ("FD", float("nan"), "NUMBER-NOT-FINITE"),
        ("DS", float("inf"), "NUMBER-NOT-FINITE"), ("DS", 0.1 + 0.2, "VALUE-TOO-LONG"), ("DS", 10**16 + 1, "VALUE-TOO-LONG"),
    ],
)
def test_json_number_outside_the_vr_names_the_rule(vr: str, number: float, rule: str) -> None:
    problem = check_number(vr, number)
    assert problem is not None and problem[0] == rule


@pytest.mark.parametrize(("vr", "number"), [("US", 65535), ("US", 512.0), ("FD", 1e308), ("FL", -3.4e38), ("UV", 2**64 - 1),
                                             ("DS", 1e-300), ("DS", -123456789.12345), ("IS", -(2**31))])
def test_json_number_inside_the_vr_passes(vr: str, number: float) -> None:
    assert check_number(vr, number) is None


@pytest.mark.parametrize(
    ("number", "length"),
    [(0, 1), (0.5, 2), (-0.5, 3), (1e-7, 4), (1.5e20, 6), (10**15, 4), (123456.789, 10), (-0.0, 2), (2**53 + 1, 16)],
)
def test_shortest_decimal_length_picks_fixed_or_exponent_form(number: float, length: int) -> None:
    # ".5" and "1E-7" are valid DS spellings; the shortest decides whether a number fits in 16 characters.
    assert shortest_decimal_length(number) == length


@pytest.mark.parametrize(
    ("group", "rule"),
    [("Doe^John", None), ("^Bob^^Dr.", None), ("a^b^c^d^e^f", "PN-TOO-MANY-COMPONENTS"), ("x" * 65, "VALUE-TOO-LONG"),
     ("Doe\\Roe", "STRING-BACKSLASH"), ("Doe\rJohn", "CONTROL-CHAR"), ("山田^太郎", None)],
)
def test_person_name_group_rules(group: str, rule: str | None) -> None:
    problem = check_pn_group(group)
    assert (problem[0] if problem else None) == rule
