"""Specification of the multipart/related reader and builder (RFC 2046 §5.1.1, RFC 2387)."""

from __future__ import annotations

import random

import pytest

from conformance.multipart import (
    ContentType,
    MultipartError,
    MultipartReader,
    Part,
    PartData,
    PartEnd,
    PartHeaders,
    PartStart,
    boundary_of,
    build_related,
    iter_parts,
)

B = "simple-boundary"
DASH = b"--" + B.encode()


def chunked(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)] or [b""]


def parse(body: bytes, boundary: str = B, chunk_size: int | None = None, **limits: int) -> list[tuple[tuple, bytes]]:
    """(headers, body) of every part; raises MultipartError like the reader."""
    chunks = [body] if chunk_size is None else chunked(body, chunk_size)
    return [(p.headers.headers, p.body) for p in iter_parts(chunks, boundary, **limits)]


def framing_error(body: bytes, boundary: str = B, chunk_size: int | None = None, **limits: int) -> MultipartError:
    with pytest.raises(MultipartError) as caught:
        parse(body, boundary, chunk_size, **limits)
    return caught.value


# A body that exercises every lenient corner the RFC allows, plus data that looks like framing.
RICH_BODY = (
    b"This is the preamble.\r\nIt has --simple-boundary not at a line start.\r\n"
    + DASH + b" \t \r\n"
    + b"Content-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\n"
    + b"Content-Location: /studies/1\r\n\r\n"
    + b"data with CRLF\r\nand x--simple-boundary and \r\n--simple-boundar and \n--simple-boundary and \r\n"
    + b"\r\n" + DASH + b"\r\n\r\n"  # part without headers
    + b"headerless body"
    + b"\r\n" + DASH + b"\r\nContent-Type: text/plain\r\n\r\n"  # empty body
    + b"\r\n" + DASH + b"\r\n\r\n"  # no headers, no body
    + b"\r\n" + DASH + b"--  \r\n"
    + b"epilogue with " + DASH + b"\r\n and more"
)
RICH_PARTS = [
    (
        (
            ("Content-Type", "application/dicom; transfer-syntax=1.2.840.10008.1.2.1"),
            ("Content-Location", "/studies/1"),
        ),
        b"data with CRLF\r\nand x--simple-boundary and \r\n--simple-boundar and \n--simple-boundary and \r\n",
    ),
    ((), b"headerless body"),
    ((("Content-Type", "text/plain"),), b""),
    ((), b""),
]


# ---------------------------------------------------------------------------------------------
# Well-formed framing


def test_rich_body_yields_the_expected_parts() -> None:
    assert parse(RICH_BODY) == RICH_PARTS


@pytest.mark.parametrize("chunk_size", range(1, 65))
def test_splitting_the_body_at_any_chunk_size_gives_identical_parts(chunk_size: int) -> None:
    assert parse(RICH_BODY, chunk_size=chunk_size) == RICH_PARTS


def test_events_are_start_data_end_per_part_with_the_body_size() -> None:
    reader = MultipartReader(B)
    events = reader.feed(DASH + b"\r\nA: 1\r\n\r\nhello\r\n" + DASH + b"\r\n\r\n\r\n" + DASH + b"--")
    events += reader.close()
    assert events == [
        PartStart(0, PartHeaders(b"A: 1\r\n", (("A", "1"),))),
        PartData(0, b"hello"),
        PartEnd(0, 5),
        PartStart(1, PartHeaders(b"", ())),
        PartEnd(1, 0),
    ]


def test_part_bodies_are_streamed_not_accumulated() -> None:
    reader = MultipartReader(B)
    fed = emitted = 0
    reader.feed(DASH + b"\r\n\r\n")
    for _ in range(64):
        chunk = bytes(range(256)) * 64
        fed += len(chunk)
        emitted += sum(len(e.data) for e in reader.feed(chunk) if isinstance(e, PartData))
        # Only a tail of len(CRLF--boundary) bytes may be held back to see a split delimiter.
        assert fed - emitted <= len(DASH) + 2


def test_reader_reports_preamble_padding_and_epilogue_that_ps318_grammar_does_not_show() -> None:
    reader = MultipartReader(B)
    for chunk in chunked(RICH_BODY, 5):
        reader.feed(chunk)
    reader.close()
    assert reader.opening_delimiter_offset == RICH_BODY.index(b"\r\n" + DASH) + 2
    assert reader.transport_padding_seen
    assert reader.bytes_after_close_delimiter == len(RICH_BODY) - RICH_BODY.index(DASH + b"--") - len(DASH) - 2


def test_a_strict_body_has_no_preamble_padding_or_epilogue() -> None:
    reader = MultipartReader(B)
    reader.feed(DASH + b"\r\n\r\nx\r\n" + DASH + b"--")
    reader.close()
    assert reader.opening_delimiter_offset == 0
    assert not reader.transport_padding_seen
    assert reader.bytes_after_close_delimiter == 0


def test_the_first_delimiter_may_follow_an_empty_preamble_and_crlf() -> None:
    assert parse(b"\r\n" + DASH + b"\r\n\r\nx\r\n" + DASH + b"--") == [((), b"x")]


def test_close_delimiter_may_end_the_body_without_crlf() -> None:
    assert parse(DASH + b"\r\n\r\nx\r\n" + DASH + b"--") == [((), b"x")]


def test_a_delimiter_right_after_the_header_block_means_an_empty_body() -> None:
    # RFC 2046 body-part := MIME-part-headers [CRLF *OCTET]: the CRLF before the delimiter may be
    # the one that ends the header block.
    assert parse(DASH + b"\r\nA: 1\r\n\r\n" + DASH + b"--") == [((("A", "1"),), b"")]


def test_boundary_text_not_preceded_by_crlf_is_data() -> None:
    body = b"x--simple-boundary" + b"x\r--simple-boundary" + b"\n--simple-boundary--"
    assert parse(DASH + b"\r\n\r\n" + body + b"\r\n" + DASH + b"--") == [((), body)]


def test_epilogue_after_close_delimiter_is_ignored_even_when_it_looks_like_framing() -> None:
    body = DASH + b"\r\n\r\nx\r\n" + DASH + b"--\r\n" + DASH + b"\n garbage \n\x00"
    assert parse(body) == [((), b"x")]


def test_boundary_with_space_and_special_characters_is_matched_literally() -> None:
    boundary = "a'()+_,-./:=? z"
    body = b"--" + boundary.encode() + b"\r\n\r\nx\r\n--" + boundary.encode() + b"--"
    assert parse(body, boundary) == [((), b"x")]


# ---------------------------------------------------------------------------------------------
# Malformed framing: each case gives one precise reason and the byte offset


def test_empty_body_is_reported() -> None:
    error = framing_error(b"")
    assert "body is empty" in str(error) and error.offset == 0


def test_body_without_the_opening_delimiter_is_reported() -> None:
    body = b"--other\r\n\r\nx\r\n--other--"
    error = framing_error(body)
    assert "no opening delimiter found" in error.reason
    assert error.offset == len(body)


def test_preamble_longer_than_the_limit_is_reported() -> None:
    error = framing_error(b"x" * 5000 + b"\r\n" + DASH + b"\r\n\r\n\r\n" + DASH + b"--", max_preamble_bytes=1000)
    assert "within the first 1000 bytes" in error.reason


def test_delimiter_followed_by_other_text_is_reported() -> None:
    error = framing_error(DASH + b"\r\n\r\ndata\r\n" + DASH + b"-extra\r\n\r\n" + DASH + b"--")
    assert "is followed by b'-'" in error.reason
    assert error.reason.startswith(f"delimiter '--{B}' at offset {len(DASH) + 10}")
    assert "a line that starts with the boundary is always a delimiter" in error.reason
    assert error.offset == len(DASH) + 10 + len(DASH)


def test_delimiter_line_ending_in_bare_lf_is_reported_as_lf_instead_of_crlf() -> None:
    error = framing_error(DASH + b"\nA: 1\r\n\r\nx\r\n" + DASH + b"--")
    assert "bare LF; CRLF is required" in error.reason and error.offset == len(DASH)


def test_body_using_lf_line_endings_throughout_is_reported_as_lf_instead_of_crlf() -> None:
    error = framing_error(b"\n".join([DASH, b"A: 1", b"", b"x", DASH + b"--"]))
    assert "bare LF; CRLF is required" in error.reason


def test_lf_before_delimiters_in_part_data_is_named_when_the_close_delimiter_is_missing() -> None:
    error = framing_error(DASH + b"\r\n\r\nx\n" + DASH + b"\r\n\r\ny\n" + DASH + b"--")
    assert error.reason.startswith("missing close delimiter: stream ended inside the body of part 0")
    assert f"seen at offset {len(DASH) + 5}: LF was used where CRLF is required" in error.reason


def test_cr_without_lf_after_a_delimiter_is_reported() -> None:
    error = framing_error(DASH + b"\rA: 1\r\n\r\nx\r\n" + DASH + b"--")
    assert "is followed by CR without LF" in error.reason and error.offset == len(DASH)


def test_stream_ending_right_after_a_delimiter_is_reported() -> None:
    assert "stream ended right after the delimiter" in framing_error(DASH + b"\r\n\r\nx\r\n" + DASH).reason


def test_stream_ending_inside_a_part_is_reported_as_missing_close_delimiter() -> None:
    error = framing_error(DASH + b"\r\n\r\nfirst\r\n" + DASH + b"\r\n\r\nsecond part data")
    assert error.reason.startswith("missing close delimiter: stream ended inside the body of part 1")


def test_close_delimiter_before_any_part_is_reported() -> None:
    assert "before any part" in framing_error(DASH + b"--\r\n").reason


def test_text_after_the_close_delimiter_without_crlf_is_reported() -> None:
    error = framing_error(DASH + b"\r\n\r\nx\r\n" + DASH + b"--epilogue")
    assert "close delimiter" in error.reason and "followed by b'e'" in error.reason


def test_close_delimiter_line_ending_in_bare_lf_is_reported() -> None:
    assert "bare LF" in framing_error(DASH + b"\r\n\r\nx\r\n" + DASH + b"--\nepilogue").reason


def test_close_delimiter_line_ending_in_a_lone_cr_is_reported() -> None:
    assert "CR without LF" in framing_error(DASH + b"\r\n\r\nx\r\n" + DASH + b"--\r").reason


def test_endless_transport_padding_is_reported() -> None:
    error = framing_error(DASH + b" " * 200, max_header_bytes=100)
    assert "transport padding" in error.reason


def test_stream_ending_inside_a_header_block_is_reported() -> None:
    error = framing_error(DASH + b"\r\nContent-Type: application/dicom\r\n")
    assert error.reason == "stream ended inside the header block of part 0"


def test_header_block_larger_than_the_limit_is_reported() -> None:
    error = framing_error(DASH + b"\r\nX: " + b"a" * 300 + b"\r\n\r\nx\r\n" + DASH + b"--", max_header_bytes=256)
    assert "not terminated within max_header_bytes=256" in error.reason


def test_header_line_without_colon_is_reported() -> None:
    error = framing_error(DASH + b"\r\nA: 1\r\nnot a header\r\n\r\nx\r\n" + DASH + b"--")
    assert error.reason == "malformed part 0 header line b'not a header': no colon"
    assert error.offset == len(DASH) + 8


def test_missing_empty_line_before_the_next_delimiter_is_explained() -> None:
    assert "looks like a delimiter" in framing_error(DASH + b"\r\n" + DASH + b"--").reason
    assert "looks like a delimiter" in framing_error(DASH + b"\r\n" + DASH + b"--\r\n").reason


def test_folded_header_lines_are_rejected_as_obsolete() -> None:
    error = framing_error(DASH + b"\r\nContent-Type: application/dicom;\r\n transfer-syntax=1.2\r\n\r\nx\r\n" + DASH + b"--")
    assert "obsolete line folding" in error.reason


def test_whitespace_before_the_header_colon_is_rejected() -> None:
    error = framing_error(DASH + b"\r\nContent-Type : application/dicom\r\n\r\nx\r\n" + DASH + b"--")
    assert "whitespace between the field name and the colon" in error.reason


def test_header_line_ending_in_bare_lf_is_reported_as_lf_instead_of_crlf() -> None:
    error = framing_error(DASH + b"\r\nA: 1\nB: 2\r\n\r\nx\r\n" + DASH + b"--")
    assert "bare LF; CRLF is required" in error.reason and error.offset == len(DASH) + 6


def test_bare_cr_and_control_bytes_in_header_values_are_reported() -> None:
    assert "bare CR" in framing_error(DASH + b"\r\nA: 1\r2\r\n\r\nx\r\n" + DASH + b"--").reason
    assert "control byte 0x00" in framing_error(DASH + b"\r\nA: 1\x002\r\n\r\nx\r\n" + DASH + b"--").reason


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 64])
def test_the_reported_error_does_not_depend_on_chunking(chunk_size: int) -> None:
    body = DASH + b"\r\n\r\nfirst\r\n" + DASH + b"\r\nA: 1\r\nbroken\r\n\r\n"
    assert str(framing_error(body, chunk_size=chunk_size)) == str(framing_error(body))


def test_parts_before_an_error_are_delivered_and_the_error_follows() -> None:
    body = DASH + b"\r\n\r\nfirst\r\n" + DASH + b"\r\nbroken\r\n\r\n"
    reader = MultipartReader(B)
    events = reader.feed(body)
    assert events[-1] == PartEnd(0, 5)
    with pytest.raises(MultipartError, match="no colon"):
        reader.feed(b"more")
    with pytest.raises(MultipartError, match="no colon"):
        reader.close()  # the reader stays failed
    with pytest.raises(MultipartError, match="no colon"):
        reader.close()


def test_close_reports_a_missing_close_delimiter_every_time_it_is_called() -> None:
    reader = MultipartReader(B)
    reader.feed(DASH + b"\r\n\r\ntruncated")
    for _ in range(2):
        with pytest.raises(MultipartError, match="missing close delimiter"):
            reader.close()


def test_close_after_a_complete_body_returns_no_events_and_may_be_repeated() -> None:
    reader = MultipartReader(B)
    reader.feed(DASH + b"\r\n\r\nx\r\n" + DASH + b"--\r\n")
    assert reader.close() == [] and reader.close() == []


def test_bytearray_and_memoryview_chunks_are_accepted() -> None:
    reader = MultipartReader(B)
    events = reader.feed(bytearray(DASH + b"\r\n\r\nab"))
    events += reader.feed(memoryview(b"cd\r\n" + DASH + b"--"))
    events += reader.close()
    assert b"".join(e.data for e in events if isinstance(e, PartData)) == b"abcd"
    assert all(type(e.data) is bytes for e in events if isinstance(e, PartData))


def test_feeding_after_close_is_a_programming_error() -> None:
    reader = MultipartReader(B)
    reader.feed(DASH + b"\r\n\r\nx\r\n" + DASH + b"--")
    reader.close()
    with pytest.raises(RuntimeError):
        reader.feed(b"x")


def test_iter_parts_rejects_a_part_larger_than_max_part_bytes() -> None:
    body = DASH + b"\r\n\r\n" + b"x" * 1000 + b"\r\n" + DASH + b"--"
    error = framing_error(body, chunk_size=100, max_part_bytes=500)
    assert "part 0 is larger than max_part_bytes=500" in error.reason
    assert error.offset == len(DASH) + 4 + 500


def test_iter_parts_yields_complete_parts_before_raising() -> None:
    body = DASH + b"\r\nA: 1\r\n\r\nok\r\n" + DASH + b"\r\n\r\ntruncated"
    parts = iter_parts([body], B)
    assert next(parts) == Part(0, PartHeaders(b"A: 1\r\n", (("A", "1"),)), b"ok")
    with pytest.raises(MultipartError, match="missing close delimiter"):
        next(parts)


def test_reader_rejects_an_unusable_boundary() -> None:
    with pytest.raises(ValueError, match="empty"):
        MultipartReader("")
    with pytest.raises(ValueError, match="printable ASCII"):
        MultipartReader("a\r\nb")


# ---------------------------------------------------------------------------------------------
# Part headers


def test_part_headers_keep_order_and_names_and_look_up_case_insensitively() -> None:
    body = DASH + b"\r\nContent-Type:  application/dicom \t\r\nX-A: 1\r\nx-a: 2\r\nEmpty:\r\n\r\n\r\n" + DASH + b"--"
    (part,) = iter_parts([body], B)
    headers = part.headers
    assert headers.headers == (("Content-Type", "application/dicom"), ("X-A", "1"), ("x-a", "2"), ("Empty", ""))
    assert headers.raw == b"Content-Type:  application/dicom \t\r\nX-A: 1\r\nx-a: 2\r\nEmpty:\r\n"
    assert headers.get("content-type") == "application/dicom"
    assert headers.get("X-a") == "1" and headers.get_all("x-A") == ["1", "2"]
    assert headers.get("Content-Location") is None
    assert headers.content_type == ContentType("application/dicom", {})


def test_part_header_values_are_latin1_decoded() -> None:
    (part,) = iter_parts([DASH + b"\r\nX: caf\xe9\r\n\r\n\r\n" + DASH + b"--"], B)
    assert part.headers.get("x") == "café"


def test_part_without_content_type_has_none() -> None:
    assert PartHeaders(b"", ()).content_type is None


# ---------------------------------------------------------------------------------------------
# Content-Type and boundary


def test_content_type_with_quoted_type_and_transfer_syntax_parameters() -> None:
    parsed = ContentType.parse('Multipart/Related; TYPE="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1')
    assert parsed.media_type == "multipart/related"
    assert parsed.params == {"type": "application/dicom", "transfer-syntax": "1.2.840.10008.1.2.1"}


def test_quoted_strings_are_unescaped_and_keep_case_and_semicolons() -> None:
    parsed = ContentType.parse(r'text/plain;a="x\"y\\z; W";b=Token')
    assert parsed.params == {"a": 'x"y\\z; W', "b": "Token"}


def test_empty_parameters_and_optional_whitespace_are_allowed() -> None:
    assert ContentType.parse(" application/dicom ;; a=1 ; ").params == {"a": "1"}


def test_content_type_formats_back_to_a_parseable_value() -> None:
    parsed = ContentType.parse('multipart/related; type="application/dicom"; boundary=abc')
    assert str(parsed) == 'multipart/related; type="application/dicom"; boundary=abc'
    assert ContentType.parse(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "expected 'type/subtype'"),
        ("application", "expected 'type/subtype'"),
        ("application/dicom extra", "expected ';'"),
        ("application/dicom; =x", "expected a parameter name"),
        ("application/dicom; a", "not followed by '='"),
        ("application/dicom; a =1", "whitespace around '='"),
        ('application/dicom; a="unterminated', "unterminated or invalid quoted-string"),
        ("application/dicom; a=", "empty or invalid value"),
        ("application/dicom; a=1; A=2", "appears more than once"),
        ("multipart/related; type=application/dicom", "must be a quoted-string"),
    ],
)
def test_malformed_content_types_raise_value_error_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        ContentType.parse(value)


def test_lenient_parsing_accepts_common_deviations() -> None:
    parsed = ContentType.parse("multipart/related; type=application/dicom; boundary = abc", strict=False)
    assert parsed.params == {"type": "application/dicom", "boundary": "abc"}


def test_boundary_of_reads_plain_and_quoted_boundaries() -> None:
    assert boundary_of("multipart/related; type=\"application/dicom\"; boundary=abc-123") == "abc-123"
    assert boundary_of('multipart/related; boundary="a b:c?"') == "a b:c?"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("application/dicom", "not multipart"),
        ("multipart/related; type=\"application/dicom\"", "no boundary parameter"),
        ('multipart/related; boundary=""', "boundary is empty"),
        ("multipart/related; boundary=" + "a" * 71, "at most 70"),
        ('multipart/related; boundary="a@b"', "not in RFC 2046"),
        ('multipart/related; boundary="ab "', "ends with a space"),
    ],
)
def test_boundary_of_explains_missing_or_invalid_boundaries(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        boundary_of(value)


def test_boundary_of_lenient_accepts_long_boundaries_and_unquoted_type() -> None:
    value = "multipart/related; type=application/dicom; boundary=" + "a" * 100
    assert boundary_of(value, strict=False) == "a" * 100


# ---------------------------------------------------------------------------------------------
# Builder


def test_build_related_round_trips_through_the_reader() -> None:
    parts = [
        ({"Content-Type": "application/dicom", "Content-ID": "<root>"}, b"\r\n--" + b"x" * 10 + b"\r\n"),
        ({}, b""),
        ({"Content-Type": "application/octet-stream"}, bytes(range(256))),
    ]
    content_type, body = build_related(parts, start="<root>")
    parsed = ContentType.parse(content_type)
    assert parsed.media_type == "multipart/related"
    assert parsed.params["type"] == "application/dicom" and parsed.params["start"] == "<root>"
    got = list(iter_parts(chunked(body, 7), boundary_of(content_type)))
    assert [(dict(p.headers.headers), p.body) for p in got] == parts


def test_build_related_default_boundary_is_random_and_absent_from_the_parts() -> None:
    parts = [({"Content-Type": "application/dicom"}, b"--conformance-")]
    first, _ = build_related(parts)
    second, _ = build_related(parts)
    assert boundary_of(first) != boundary_of(second)


def test_build_related_quotes_boundaries_that_are_not_tokens() -> None:
    content_type, body = build_related([({"Content-Type": "text/plain"}, b"x")], boundary="a:b=c?")
    assert content_type == 'multipart/related; type="text/plain"; boundary="a:b=c?"'
    assert body == b"--a:b=c?\r\nContent-Type: text/plain\r\n\r\nx\r\n--a:b=c?--\r\n"


def test_build_related_takes_an_explicit_type() -> None:
    content_type, _ = build_related([({}, b"x")], type_="application/dicom+xml", boundary="b")
    assert content_type == 'multipart/related; type="application/dicom+xml"; boundary=b'


@pytest.mark.parametrize(
    ("parts", "kwargs", "reason"),
    [
        ([], {}, "at least one part"),
        ([({}, b"x")], {}, "type_ is required"),
        ([({"Content-Type": "text/plain"}, b"a\r\n--b\r\n")], {"boundary": "b"}, "occurs in part 0"),
        ([({"Content-Type": "text/plain"}, b"x")], {"boundary": "b@d"}, "not in RFC 2046"),
        ([({"Bad Name": "x"}, b"x")], {"type_": "a/b"}, "not a token"),
        ([({"X": "a\r\nInjected: 1"}, b"x")], {"type_": "a/b"}, "control character"),
        ([({"X": "\u2603"}, b"x")], {"type_": "a/b"}, "not latin-1"),
    ],
)
def test_build_related_rejects_bad_input_with_value_error(parts: list, kwargs: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        build_related(parts, **kwargs)


# ---------------------------------------------------------------------------------------------
# Differential check against python-multipart's low-level parser


def python_multipart_parts(body: bytes, boundary: str) -> list[tuple[list[tuple[str, str]], bytes]]:
    from python_multipart import MultipartParser

    parts: list[tuple[list[tuple[str, str]], bytes]] = []
    headers: list[tuple[str, str]] = []
    field: list[bytes] = []
    value: list[bytes] = []
    data: list[bytes] = []

    def on_part_begin() -> None:
        headers.clear()
        data.clear()

    def on_header_end() -> None:
        headers.append((b"".join(field).decode("latin-1"), b"".join(value).decode("latin-1").strip(" \t")))
        field.clear()
        value.clear()

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_header_field": lambda d, s, e: field.append(d[s:e]),
        "on_header_value": lambda d, s, e: value.append(d[s:e]),
        "on_header_end": on_header_end,
        "on_part_data": lambda d, s, e: data.append(d[s:e]),
        "on_part_end": lambda: parts.append((list(headers), b"".join(data))),
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    parser.write(body)
    parser.finalize()
    return parts


def random_well_formed_body(rng: random.Random, boundary: bytes) -> bytes:
    """Written independently of build_related so the two parsers share no code."""
    alphabet = [b"\r\n", b"\r", b"\n", b"-", b"--", boundary[:3], b"x", b"\x00", b" "]
    out = [b"--" + boundary]
    for index in range(rng.randint(1, 6)):
        out.append(b"\r\n")
        for h in range(rng.randint(0, 4)):
            out.append(b"X-H%d: v%d %s\r\n" % (h, index, b"q" * rng.randint(0, 5)))
        while True:
            body = b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
            if b"\r\n--" + boundary not in b"\r\n" + body:
                break
        out += [b"\r\n", body, b"\r\n--", boundary]
    out.append(b"--\r\n")
    return b"".join(out)


@pytest.mark.parametrize("seed", range(40))
def test_reader_agrees_with_python_multipart_on_random_well_formed_bodies(seed: int) -> None:
    rng = random.Random(seed)
    boundary = rng.choice(["b", "boundary", "a'()+_,-./:=?z", "--x--"])
    for _ in range(10):
        body = random_well_formed_body(rng, boundary.encode())
        ours = [(list(p.headers.headers), p.body) for p in iter_parts(chunked(body, rng.randint(1, 50)), boundary)]
        assert ours == python_multipart_parts(body, boundary)
