"""Combined date-time Range Matching (PS3.4 C.2.2.2.5.4; required for QIDO by PS3.18 §8.3.4.1.1).

PS3.18 §8.3.4.1.1: "Combined date-time matching shall be performed as specified in Section
C.2.2.2.5". In C-FIND that behaviour needs Extended Negotiation; QIDO-RS makes it mandatory
(a proxy whose C-FIND SCP lacks it must filter on time itself, §8.3.4.1.1 Note).

C.2.2.2.5.4: a DA attribute and its TM partner (Study Date / Study Time, ...) that *both*
specify the same form of Range Matching are matched as one DT range made of the concatenated
components. Example: StudyDate=20060705-20060707 with StudyTime=1000-1800 means from
2006-07-05 10:00 to 2006-07-07 18:00, so 2006-07-06 08:00 matches (it would not under separate
matching, where the time must also fall within 10:00-18:00 on its own).

Keys of different forms (or a single value on either side) are matched separately.
"""

from __future__ import annotations

from pydicom.datadict import keyword_for_tag
from pydicom.dataset import Dataset

from .elements import element_values, vr_of
from .errors import OracleUnsupported
from .matching import strip_padding
from .outcome import MATCH, NO_MATCH, Outcome
from .tables import tag
from .temporal import Span, combine_date_time, parse_da, parse_tm, range_verdict

__all__ = ["time_partner", "range_form", "match_date_time_pair"]


def time_partner(date_tag: int) -> int | None:
    """The TM attribute paired with a DA attribute by keyword (StudyDate -> StudyTime)."""
    keyword = keyword_for_tag(date_tag)
    if not keyword or vr_of(date_tag) != "DA" or "Date" not in keyword:
        return None
    head, _, tail = keyword.rpartition("Date")
    try:
        partner = tag(f"{head}Time{tail}")
    except KeyError:
        return None
    return partner if vr_of(partner) == "TM" else None


def range_form(key: str) -> str | None:
    """'closed' for a-b, 'from' for a-, 'until' for -b; None when the key is not a range."""
    if key.count("-") != 1:
        return None
    low, _, high = key.partition("-")
    if low and high:
        return "closed"
    if low:
        return "from"
    return "until" if high else None


def _bound(date_text: str, time_text: str) -> Span | None:
    if not date_text:
        return None
    day, clock = parse_da(date_text), parse_tm(time_text)
    if day is None or clock is None:
        raise AssertionError("bounds were validated when the query was parsed")
    return combine_date_time(day, clock)


def match_date_time_pair(
    dataset: Dataset, date_tag: int, time_tag: int, date_key: str, time_key: str
) -> Outcome:
    date_low, _, date_high = strip_padding(date_key, "DA").partition("-")
    time_low, _, time_high = strip_padding(time_key, "TM").partition("-")
    low = _bound(date_low, time_low)
    high = _bound(date_high, time_high)
    dates = [v for v in element_values(dataset, date_tag) or () if v.strip()]
    times = [v for v in element_values(dataset, time_tag) or () if v.strip()]
    if not dates:
        return NO_MATCH
    if len(dates) > 1 or len(times) > 1:
        raise OracleUnsupported("combined date-time matching of multi-valued attributes")
    day = parse_da(strip_padding(dates[0], "DA"))
    clock = parse_tm(strip_padding(times[0], "TM")) if times else None
    if day is None or (times and clock is None):
        raise OracleUnsupported(f"stored date/time {dates[0]!r}/{times[:1]!r} cannot be read")
    verdict = range_verdict(combine_date_time(day, clock), low, high)
    if verdict is None:
        raise OracleUnsupported(
            f"whether {dates[0]} {times[0] if times else '(no time)'} falls in "
            f"{date_key} {time_key} depends on how partial values are widened"
        )
    return MATCH if verdict else NO_MATCH
