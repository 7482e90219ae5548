"""Dates and times as the oracle compares them (DA, TM, DT; PS3.5 Table 6.2-1, PS3.4 C.2.2.2.5).

Every value becomes a ``Span`` of microseconds, because DICOM values may be partial: the TM
"10" covers 10:00:00-10:59:59.999999 and the DT "2020" a whole year. A value that carries
seconds but no fraction is an instant (fraction zero): this is the harness's own convention,
stated here because PS3.5 does not spell out the precision of an omitted fraction.

Range matching (C.2.2.2.5.1-3) is inclusive at both ends. ``range_verdict`` reports whether a
value is inside the range under *every* reasonable reading of partial values (MATCH), under
none (NO_MATCH), or only under some (None): the caller turns None into ``OracleUnsupported``
because the standard does not say how a partial bound is widened.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = [
    "DAY_US",
    "Span",
    "parse_da",
    "parse_tm",
    "parse_dt",
    "split_range",
    "range_verdict",
    "combine_date_time",
]

SECOND_US = 1_000_000
DAY_US = 86_400 * SECOND_US

_TM = re.compile(r"^(\d{2})(?:(\d{2})(?:(\d{2})(\.\d{1,6})?)?)?$")
_DT = re.compile(
    r"^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(\.\d{1,6})?)?)?)?)?)?"
    r"([+-]\d{4})?$"
)


@dataclass(frozen=True)
class Span:
    """An inclusive interval of microseconds; ``has_offset`` marks a DT with a UTC offset."""

    earliest: int
    latest: int
    has_offset: bool = False

    @property
    def is_instant(self) -> bool:
        return self.earliest == self.latest


def parse_da(text: str) -> Span | None:
    """A DA value "YYYYMMDD" as a span in *days*; None when malformed (PS3.5: 8 digits)."""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:])).toordinal()
    except ValueError:
        return None
    return Span(day, day)


def parse_tm(text: str) -> Span | None:
    """A TM value "HH[MM[SS[.F{1,6}]]]" as microseconds since midnight; None when malformed."""
    found = _TM.match(text)
    if found is None:
        return None
    hh, mm, ss, frac = found.groups()
    if int(hh) > 23 or (mm and int(mm) > 59) or (ss and int(ss) > 60):
        return None
    start = int(hh) * 3600 * SECOND_US
    if mm is None:
        return Span(start, start + 3600 * SECOND_US - 1)
    start += int(mm) * 60 * SECOND_US
    if ss is None:
        return Span(start, start + 60 * SECOND_US - 1)
    start += int(ss) * SECOND_US + _fraction_us(frac)
    return Span(start, start)


def parse_dt(text: str) -> Span | None:
    """A DT value "YYYY[MM[DD[HH[MM[SS[.F]]]]]][&ZZXX]" as absolute microseconds.

    With an offset the span is shifted to UTC (C.2.2.2.5.3 d: the offset is taken into
    account); without one it stays in the unspecified local time, flagged by has_offset=False.
    """
    found = _DT.match(text)
    if found is None:
        return None
    year, month, day, hh, mm, ss, frac, offset = found.groups()
    y = int(year)
    if y < 1 or (month and not 1 <= int(month) <= 12):
        return None
    if month is None:
        first, last = date(y, 1, 1), date(y, 12, 31)
    elif day is None:
        first = date(y, int(month), 1)
        last = date(y, int(month), calendar.monthrange(y, int(month))[1])
    else:
        try:
            first = last = date(y, int(month), int(day))
        except ValueError:
            return None
    base_first = first.toordinal() * DAY_US
    base_last = last.toordinal() * DAY_US
    if hh is None:
        span = Span(base_first, base_last + DAY_US - 1)
    else:
        time_text = hh + (mm or "") + (ss or "") + (frac or "")
        clock = parse_tm(time_text)
        if clock is None:
            return None
        span = Span(base_first + clock.earliest, base_first + clock.latest)
    if offset is None:
        return span
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[3:])
    if hours > 14 or minutes > 59:
        return None
    shift = sign * (hours * 3600 + minutes * 60) * SECOND_US
    return Span(span.earliest - shift, span.latest - shift, has_offset=True)


def _fraction_us(frac: str | None) -> int:
    if not frac:
        return 0
    return int(frac[1:].ljust(6, "0"))


def split_range(text: str, vr: str) -> tuple[str | None, str | None] | None:
    """Split a range key "<a>-<b>", "-<b>" or "<a>-" into its bounds (None = open end).

    Returns None when no split yields valid bounds in ascending order. A DT bound may carry a
    negative UTC offset, so every "-" is tried; more than one valid split is ambiguous and
    also returns None (the caller reports it as a malformed query).
    """
    parse = {"DA": parse_da, "TM": parse_tm, "DT": parse_dt}[vr]
    candidates: list[tuple[str | None, str | None]] = []
    for position, char in enumerate(text):
        if char != "-":
            continue
        low, high = text[:position] or None, text[position + 1 :] or None
        if low is None and high is None:
            continue
        low_span = parse(low) if low is not None else None
        high_span = parse(high) if high is not None else None
        if (low is not None and low_span is None) or (high is not None and high_span is None):
            continue
        if low_span is not None and high_span is not None:
            if low_span.has_offset != high_span.has_offset:
                continue
            if low_span.earliest > high_span.latest:
                continue
        candidates.append((low, high))
    return candidates[0] if len(candidates) == 1 else None


def range_verdict(value: Span, low: Span | None, high: Span | None) -> bool | None:
    """True/False when every reading of partial values agrees, None when readings differ.

    A lower bound starts at its earliest instant. An upper bound may be read as its earliest
    instant (zero padding) or as the end of its period; a partial stored value may be read as
    any instant of its period.
    """
    surely_above = low is None or value.earliest >= low.earliest
    surely_below = high is None or value.latest <= high.earliest
    maybe_above = low is None or value.latest >= low.earliest
    maybe_below = high is None or value.earliest <= high.latest
    if surely_above and surely_below:
        return True
    if not (maybe_above and maybe_below):
        return False
    return None


def combine_date_time(day: Span, clock: Span | None) -> Span:
    """A DA day span plus an optional TM span as one DT-like span (C.2.2.2.5.4)."""
    start = day.earliest * DAY_US
    if clock is None:
        return Span(start, day.latest * DAY_US + DAY_US - 1)
    return Span(start + clock.earliest, day.latest * DAY_US + clock.latest)
