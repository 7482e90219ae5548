"""Property tests: the multipart reader never fails in an undefined way, and ignores chunking."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.multipart import (
    ContentType,
    MultipartError,
    MultipartReader,
    PartData,
    PartEnd,
    PartStart,
    boundary_of,
    build_related,
    iter_parts,
)

BOUNDARIES = st.sampled_from(["b", "--", "simple", "a'()+_,-./:=? z"])
FUZZ = settings(max_examples=300, deadline=None, database=None)


@st.composite
def framing_soup(draw: st.DrawFn, boundary: str) -> bytes:
    """Bytes biased towards framing tokens so the reader reaches every state, not just the preamble."""
    dash = b"--" + boundary.encode()
    tokens = st.sampled_from([dash, b"\r\n", b"\n", b"\r", b"--", b" ", b"\t", b":", b"A: 1", b"x", b"\x00"])
    pieces = draw(st.lists(st.one_of(tokens, st.binary(max_size=8)), max_size=40))
    return draw(st.sampled_from([b"", dash])) + b"".join(pieces)


@st.composite
def chunk_cuts(draw: st.DrawFn, body: bytes) -> list[bytes]:
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=12)))
    edges = [0, *cuts, len(body)]
    return [body[a:b] for a, b in zip(edges, edges[1:])]


def run_reader(chunks: list[bytes], boundary: str, **limits: int) -> tuple[list[tuple[int, object]], str | None]:
    """Every event (data merged per part) and the error text, if any."""
    reader = MultipartReader(boundary, **limits)
    events: list = []
    try:
        for chunk in chunks:
            events += reader.feed(chunk)
        events += reader.close()
    except MultipartError as error:
        return merge_data(events), str(error)
    return merge_data(events), None


def merge_data(events: list) -> list[tuple[int, object]]:
    merged: list[tuple[int, object]] = []
    for event in events:
        if isinstance(event, PartData) and merged and isinstance(merged[-1][1], bytes):
            merged[-1] = (event.index, merged[-1][1] + event.data)
        elif isinstance(event, PartData):
            merged.append((event.index, event.data))
        else:
            merged.append((event.index, event))
    return merged


def assert_well_formed_sequence(events: list[tuple[int, object]]) -> None:
    """PartStart i, optional data, PartEnd i with the body size, for i = 0, 1, 2, ..."""
    expected_index, size, open_part = 0, 0, False
    for index, event in events:
        assert index == expected_index
        if isinstance(event, PartStart):
            assert not open_part
            open_part, size = True, 0
        elif isinstance(event, bytes):
            assert open_part and event
            size += len(event)
        else:
            assert isinstance(event, PartEnd) and open_part and event.size == size
            open_part, expected_index = False, expected_index + 1


small_limits = st.fixed_dictionaries({}, optional={"max_header_bytes": st.integers(0, 40), "max_preamble_bytes": st.integers(0, 40)})


@FUZZ
@given(data=st.data(), boundary=BOUNDARIES, raw=st.booleans(), limits=small_limits)
def test_any_bytes_in_any_chunking_give_events_or_multipart_error(
    data: st.DataObject, boundary: str, raw: bool, limits: dict[str, int]
) -> None:
    body = data.draw(st.binary(max_size=300) if raw else framing_soup(boundary))
    chunks = data.draw(chunk_cuts(body))
    events, error = run_reader(chunks, boundary, **limits)  # anything but MultipartError propagates and fails
    assert_well_formed_sequence(events)
    assert (events, error) == run_reader([body], boundary, **limits), "result depends on chunking"


header_values = st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=20)
header_names = st.sampled_from(["Content-Type", "Content-Location", "Content-ID", "X-Extra"])
part_bodies = st.lists(
    st.one_of(st.sampled_from([b"\r\n", b"\n", b"\r", b"--", b"-", b"b", b"--b"]), st.binary(max_size=10)), max_size=20
).map(b"".join)
parts_strategy = st.lists(st.tuples(st.dictionaries(header_names, header_values, max_size=3), part_bodies), min_size=1, max_size=6)


@FUZZ
@given(data=st.data(), parts=parts_strategy)
def test_well_formed_generated_bodies_round_trip(data: st.DataObject, parts: list[tuple[dict[str, str], bytes]]) -> None:
    content_type, body = build_related(parts, type_="application/dicom")
    boundary = content_type.rsplit("boundary=", 1)[1]
    chunks = data.draw(chunk_cuts(body))
    got = [(dict(p.headers.headers), p.body) for p in iter_parts(chunks, boundary)]
    assert got == [(dict(h), b) for h, b in parts]


content_type_soup = st.lists(
    st.one_of(
        st.sampled_from(["multipart/related", "application/dicom", ";", "=", '"', "\\", " ", "\t", "boundary", "type", "a/b"]),
        st.text(max_size=6),
    ),
    max_size=12,
).map("".join)


@FUZZ
@given(value=content_type_soup, strict=st.booleans())
def test_any_content_type_text_parses_or_raises_value_error(value: str, strict: bool) -> None:
    try:
        parsed = ContentType.parse(value, strict=strict)
    except ValueError:
        return
    assert parsed.media_type == parsed.media_type.lower() and "/" in parsed.media_type
    assert all(name == name.lower() for name in parsed.params)
    assert ContentType.parse(str(parsed)) == parsed  # formatting always yields a strictly valid value
    try:
        boundary_of(value, strict=strict)
    except ValueError:
        pass
