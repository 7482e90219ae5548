"""Checks of single values against PS3.5 Table 6.2-1, shared by the JSON and XML validators.

F.2.3 makes JSON values follow each VR's Definition, Character Repertoire and Length of Value; PS3.19 A.1.1 does
the same for XML. Padding to even length is the one exception (F.1), so trailing padding is tolerated here and
only the lint mentions it. Each check returns None when the value is fine, or (rule suffix, message).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from .vr import FL_MAX, INTEGER_RANGES

Problem = tuple[str, str] | None
StringCheck = Callable[[str], Problem]

# Control characters: text VRs (LT, ST, UT) allow TAB, LF, FF, CR and ESC; other character strings only ESC.
_CONTROL_IN_STRING = re.compile(r"[\x00-\x1a\x1c-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_DEFAULT_REPERTOIRE = re.compile(r"[\x20-\x7e]*")

_AS = re.compile(r"[0-9]{3}[DWMY]")
_AT = re.compile(r"[0-9A-F]{8}")
_CS = re.compile(r"[A-Z0-9 _]*")
_DA = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_DS = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DT = re.compile(
    r"([0-9]{4})(?:([0-9]{2})(?:([0-9]{2})(?:([0-9]{2})(?:([0-9]{2})(?:([0-9]{2})(?:\.[0-9]{1,6})?)?)?)?)?)?"
    r"(?:([+-])([0-9]{2})([0-9]{2}))?"
)
_IS = re.compile(r"[+-]?[0-9]+")
_UV = re.compile(r"\+?[0-9]+")
_TM = re.compile(r"([0-9]{2})(?:([0-9]{2})(?:([0-9]{2})(?:\.[0-9]{1,6})?)?)?")
_UI = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*")
_UR = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def _quoted(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[:limit] + "..."
    return repr(shown)


def _too_long(value: str, limit: int, vr: str) -> Problem:
    if len(value) > limit:
        return "VALUE-TOO-LONG", f"{vr} allows {limit} characters, got {len(value)}"
    return None


def _character_string(vr: str, limit: int | None) -> StringCheck:
    """SH, LO, UC: no backslash (it would split the value), no control characters but ESC."""

    def check(value: str) -> Problem:
        if "\\" in value:
            return "STRING-BACKSLASH", f"{vr} value {_quoted(value)} contains a backslash (F.2.4)"
        if _CONTROL_IN_STRING.search(value):
            return "CONTROL-CHAR", f"{vr} value {_quoted(value)} contains a control character"
        return _too_long(value, limit, vr) if limit else None

    return check


def _text(vr: str, limit: int | None) -> StringCheck:
    """LT, ST, UT: a backslash is ordinary text; TAB, LF, FF, CR and ESC are allowed."""

    def check(value: str) -> Problem:
        if _CONTROL_IN_TEXT.search(value):
            return "CONTROL-CHAR", f"{vr} value {_quoted(value)} contains a disallowed control character"
        return _too_long(value, limit, vr) if limit else None

    return check


def _check_ae(value: str) -> Problem:
    if "\\" in value:
        return "STRING-BACKSLASH", f"AE value {_quoted(value)} contains a backslash"
    if not _DEFAULT_REPERTOIRE.fullmatch(value) or not value.strip(" "):
        return "AE-FORMAT", f"AE value {_quoted(value)} must be default-repertoire characters, not all spaces"
    return _too_long(value, 16, "AE")


def _check_as(value: str) -> Problem:
    if not _AS.fullmatch(value):
        return "AS-FORMAT", f"AS value {_quoted(value)} is not nnnD, nnnW, nnnM or nnnY"
    return None


def check_at(value: str) -> Problem:
    if not _AT.fullmatch(value):
        return "AT-FORMAT", f"AT value {_quoted(value)} is not eight uppercase hexadecimal characters"
    return None


def _check_cs(value: str) -> Problem:
    if "\\" in value:
        return "STRING-BACKSLASH", f"CS value {_quoted(value)} contains a backslash"
    if not _CS.fullmatch(value):
        return "CS-FORMAT", f"CS value {_quoted(value)} has characters other than A-Z, 0-9, space, underscore"
    return _too_long(value, 16, "CS")


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(max(year, 1), month, day)
    except ValueError:
        return False
    return True


def _check_da(value: str) -> Problem:
    if "\\" in value:
        return "STRING-BACKSLASH", f"DA value {_quoted(value)} contains a backslash"
    match = _DA.fullmatch(value)
    if not match or not _valid_date(*map(int, match.groups())):
        return "DA-FORMAT", f"DA value {_quoted(value)} is not a YYYYMMDD date"
    return None


def _check_dt(value: str) -> Problem:
    if "\\" in value:
        return "STRING-BACKSLASH", f"DT value {_quoted(value)} contains a backslash"
    stripped = value.rstrip(" ")
    match = _DT.fullmatch(stripped)
    if match is None or not _dt_fields_valid(match.groups()):
        return "DT-FORMAT", f"DT value {_quoted(value)} is not YYYYMMDDHHMMSS.FFFFFF&ZZXX"
    return _too_long(value, 26, "DT")


def _dt_fields_valid(groups: tuple[str | None, ...]) -> bool:
    year, month, day, hour, minute, second, sign, off_h, off_m = groups
    if month and not 1 <= int(month) <= 12:
        return False
    if day and not _valid_date(int(year or 0), int(month or 1), int(day)):
        return False
    if not _time_fields_valid(hour, minute, second):
        return False
    if sign:
        offset = int(off_h or 0) * 100 + int(off_m or 0)
        if int(off_m or 0) > 59 or (sign == "-" and offset > 1200) or (sign == "+" and offset > 1400):
            return False
    return True


def _time_fields_valid(hour: str | None, minute: str | None, second: str | None) -> bool:
    return (
        (hour is None or int(hour) <= 23)
        and (minute is None or int(minute) <= 59)
        and (second is None or int(second) <= 60)  # 60: leap second
    )


def _check_tm(value: str) -> Problem:
    if "\\" in value:
        return "STRING-BACKSLASH", f"TM value {_quoted(value)} contains a backslash"
    match = _TM.fullmatch(value.rstrip(" "))
    if match is None or not _time_fields_valid(*match.groups()):
        return "TM-FORMAT", f"TM value {_quoted(value)} is not HHMMSS.FFFFFF"
    return _too_long(value, 14, "TM")


def _check_ds_string(value: str) -> Problem:
    if "\\" in value:
        return "STRING-BACKSLASH", f"DS value {_quoted(value)} contains a backslash"
    if not _DS.fullmatch(value.strip(" ")):
        return "DS-FORMAT", f"DS value {_quoted(value)} is not a decimal number"
    return _too_long(value, 16, "DS")


def _integer_string(vr: str, pattern: re.Pattern[str], limit: int | None) -> StringCheck:
    low, high = INTEGER_RANGES[vr]

    def check(value: str) -> Problem:
        if "\\" in value:
            return "STRING-BACKSLASH", f"{vr} value {_quoted(value)} contains a backslash"
        stripped = value.strip(" ")
        if not pattern.fullmatch(stripped) or not low <= int(stripped) <= high:
            return f"{vr}-FORMAT", f"{vr} value {_quoted(value)} is not an integer in [{low}, {high}]"
        return _too_long(value, limit, vr) if limit else None

    return check


def _check_ui(value: str) -> Problem:
    if "\\" in value:
        return "STRING-BACKSLASH", f"UI value {_quoted(value)} contains a backslash"
    if not _UI.fullmatch(value):
        hint = " (PS3.5 NUL padding must not reach JSON)" if value.endswith("\x00") else ""
        return "UI-FORMAT", f"UI value {_quoted(value)} is not dot-separated numbers without leading zeros{hint}"
    return _too_long(value, 64, "UI")


def _check_ur(value: str) -> Problem:
    if value.startswith(" ") or not _UR.fullmatch(value.rstrip(" ")):
        return "UR-FORMAT", f"UR value {_quoted(value)} has characters RFC 3986 does not allow, or a leading space"
    return None


STRING_CHECKS: dict[str, StringCheck] = {
    "AE": _check_ae,
    "AS": _check_as,
    "AT": check_at,
    "CS": _check_cs,
    "DA": _check_da,
    "DS": _check_ds_string,
    "DT": _check_dt,
    "IS": _integer_string("IS", _IS, 12),
    "LO": _character_string("LO", 64),
    "LT": _text("LT", 10240),
    "SH": _character_string("SH", 16),
    "ST": _text("ST", 1024),
    "SV": _integer_string("SV", _IS, None),
    "TM": _check_tm,
    "UC": _character_string("UC", None),
    "UI": _check_ui,
    "UR": _check_ur,
    "UT": _text("UT", None),
    "UV": _integer_string("UV", _UV, None),
}


def check_pn_group(value: str) -> Problem:
    """One PN component group (Alphabetic, Ideographic or Phonetic), JSON style: components joined by '^'."""
    if "\\" in value:
        return "STRING-BACKSLASH", f"PN group {_quoted(value)} contains a backslash"
    if _CONTROL_IN_STRING.search(value):
        return "CONTROL-CHAR", f"PN group {_quoted(value)} contains a control character"
    if value.count("^") > 4:
        return "PN-TOO-MANY-COMPONENTS", f"PN group {_quoted(value)} has {value.count('^') + 1} components, at most 5"
    return _too_long(value, 64, "PN component group")


def check_number(vr: str, number: int | float) -> Problem:
    """A JSON number (never a bool) for a VR of Table F.2.3-1 that takes numbers."""
    if type(number) is float:
        if not math.isfinite(number):
            return "NUMBER-NOT-FINITE", f"{vr} value {number} is not a finite number"
        if vr == "FD":
            return None
        if vr == "FL":
            if abs(number) > FL_MAX:
                return "NUMBER-OUT-OF-RANGE", f"FL value {number!r} exceeds the 32-bit float range"
            return None
        if vr == "DS":
            return _ds_number_length(number)
        if not number.is_integer():
            return "NUMBER-NOT-INTEGER", f"{vr} value {number!r} is not an integer"
        number = int(number)
    if vr in INTEGER_RANGES:
        low, high = INTEGER_RANGES[vr]
        if not low <= number <= high:
            return "NUMBER-OUT-OF-RANGE", f"{vr} value {number} is outside [{low}, {high}]"
    elif vr == "DS":
        return _ds_number_length(number)
    elif vr == "FL" and abs(number) > FL_MAX:
        return "NUMBER-OUT-OF-RANGE", f"FL value {number} exceeds the 32-bit float range"
    return None


def shortest_decimal_length(number: int | float) -> int:
    """Characters of the shortest DS string (fixed or exponent form) that denotes exactly this number."""
    sign, digits, exponent = Decimal(repr(number) if type(number) is float else number).normalize().as_tuple()
    assert isinstance(exponent, int)
    count = len(digits)
    if exponent >= 0:
        fixed = count + exponent
    elif -exponent < count:
        fixed = count + 1
    else:
        fixed = 1 - exponent  # ".000ddd"
    adjusted = exponent + count - 1
    scientific = count + (1 if count > 1 else 0) + 1 + len(str(adjusted))
    return min(fixed, scientific) + sign


def _ds_number_length(number: int | float) -> Problem:
    length = shortest_decimal_length(number)
    if length > 16:
        return "VALUE-TOO-LONG", f"DS value {number!r} needs {length} characters; DS allows 16"
    return None
