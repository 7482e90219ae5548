"""Query strings and the exact request on the wire.

PS3.18 §8.3.1: a qp-value is made of RFC 3986 unreserved characters, percent-encodings and the
qp-special characters; §8.3.4.1: everything else, every non-ASCII character and
``# [ ] & = ,`` are percent-encoded. RFC 3986 §2.3: percent-encoding an unreserved character
gives an equivalent URI. The harness (not httpx) builds the query, and httpx must send it as built.
"""

from __future__ import annotations

import socket
import string
import threading
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.transport.auth import parse_auth
from conformance.transport.client import ClientSettings, HttpClient
from conformance.transport.exchange import HttpRequest
from conformance.transport.query import build_query, encode_component, encode_value, encoded_chars, parse_query

UNRESERVED = string.ascii_letters + string.digits + "-._~"
QP_SPECIAL_KEPT_RAW = "!$'()*;:@/?"
# Text without lone surrogates (they have no UTF-8 form, so no URI can carry them).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
QUICK = settings(max_examples=100, deadline=None, database=None)


# ------------------------------------------------------------------ minimal encoding


def test_unreserved_characters_are_sent_raw() -> None:
    assert encode_component(UNRESERVED) == UNRESERVED


def test_qp_special_characters_other_than_plus_are_sent_raw() -> None:
    assert encode_component(QP_SPECIAL_KEPT_RAW) == QP_SPECIAL_KEPT_RAW


@pytest.mark.parametrize("char, encoded", [
    ("^", "%5E"),  # PN component separator: not a qp-char
    (",", "%2C"),  # the list separator, inside a value
    ("#", "%23"), ("[", "%5B"), ("]", "%5D"), ("&", "%26"), ("=", "%3D"),  # §8.3.4.1 list
    ("+", "%2B"),  # qp-special, but a form decoder would read it as a space
    (" ", "%20"),  # never '+'
    ("%", "%25"),  # a literal percent sign is not the start of an escape
    ('"', "%22"), ("\\", "%5C"), ("|", "%7C"),
])
def test_characters_outside_qp_char_are_percent_encoded(char: str, encoded: str) -> None:
    assert encode_component(f"a{char}b") == f"a{encoded}b"


def test_non_ascii_is_percent_encoded_as_utf8_with_upper_case_hex() -> None:
    assert encode_component("Müller^Jürgen") == "M%C3%BCller%5EJ%C3%BCrgen"
    assert encode_component("山田") == "%E5%B1%B1%E7%94%B0"


def test_list_values_are_joined_with_raw_commas_and_commas_inside_items_are_encoded() -> None:
    assert encode_value(("1.2.3", "4.5.6")) == "1.2.3,4.5.6"
    assert encode_value(("a,b", "c")) == "a%2Cb,c"


def test_build_query_keeps_order_and_repeats_and_never_encodes_names() -> None:
    pairs = [("PatientName", "Doe^J*"), ("includefield", ("00100020", "StudyDate")), ("PatientName", "x y")]
    assert build_query(pairs) == "PatientName=Doe%5EJ*&includefield=00100020,StudyDate&PatientName=x%20y"


def test_empty_query_is_empty() -> None:
    assert build_query([]) == ""


# ------------------------------------------------------------------ encode-unreserved


def test_encode_unreserved_encodes_every_unreserved_character() -> None:
    assert encode_component("aZ09-._~", "encode-unreserved") == "%61%5A%30%39%2D%2E%5F%7E"


def test_encode_unreserved_keeps_escapes_whole_and_qp_special_raw() -> None:
    # '^' is already %5E: its hex digits are not unreserved characters to encode again.
    assert encode_component("A^*", "encode-unreserved") == "%41%5E*"


def test_encode_unreserved_list_keeps_the_separator_raw() -> None:
    assert encode_value(("A", "B"), "encode-unreserved") == "%41,%42"


def test_encoded_chars_splits_escapes_as_units() -> None:
    assert list(encoded_chars("a%5Eb%2C")) == ["a", "%5E", "b", "%2C"]


@QUICK
@given(TEXT)
def test_both_encodings_decode_to_the_same_value(value: str) -> None:
    # RFC 3986 §2.3: the two URIs are equivalent, so an origin server must see one value.
    for encoding in ("minimal", "encode-unreserved"):
        assert parse_query(build_query([("PatientName", value)], encoding)) == [("PatientName", value)]  # type: ignore[arg-type]


@QUICK
@given(TEXT)
def test_minimal_encoding_uses_only_qp_chars(value: str) -> None:
    allowed = set(UNRESERVED) | set(QP_SPECIAL_KEPT_RAW)
    assert all(c in allowed or (len(c) == 3 and c[0] == "%") for c in encoded_chars(encode_component(value)))


@QUICK
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_list_value_round_trips_by_splitting_on_raw_commas(items: list[str]) -> None:
    encoded = encode_value(tuple(items))
    assert [unquote(part) for part in encoded.split(",")] == items


def test_parse_query_keeps_repeats_and_empty_values() -> None:
    assert parse_query("a=1&a=2&b=&c") == [("a", "1"), ("a", "2"), ("b", ""), ("c", "")]


# ------------------------------------------------------------------ the request httpx sends


def capture(request: HttpRequest, auth: str | None = None) -> httpx.Request:
    seen: list[httpx.Request] = []

    def answer(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, content=b"")

    creds = parse_auth(auth) if auth else None
    client = HttpClient(ClientSettings(), auth=creds.auth() if creds else None, transport=httpx.MockTransport(answer))
    client.send(request)
    client.close()
    return seen[0]


@pytest.mark.parametrize("encoding", ["minimal", "encode-unreserved"])
def test_httpx_sends_the_built_query_unchanged(encoding: str) -> None:
    query = build_query([("PatientName", "Doe^Jo*"), ("StudyDate", "20200101-"),
                         ("includefield", ("00100020", "StudyTime")), ("x", "a+b c,é[]#&=!$'()*;:@/?")], encoding)  # type: ignore[arg-type]
    sent = capture(HttpRequest("GET", f"http://127.0.0.1:1/dicom-web/studies?{query}", ()))
    assert sent.url.raw_path == f"/dicom-web/studies?{query}".encode("ascii")


@settings(max_examples=60, deadline=None, database=None)
@given(TEXT)
def test_httpx_never_re_encodes_a_built_query(value: str) -> None:
    for encoding in ("minimal", "encode-unreserved"):
        query = build_query([("PatientName", value)], encoding)  # type: ignore[arg-type]
        sent = capture(HttpRequest("GET", f"http://127.0.0.1:1/studies?{query}", ()))
        assert sent.url.raw_path == f"/studies?{query}".encode("ascii")


def test_a_raw_query_is_sent_as_written_even_with_characters_that_should_be_encoded() -> None:
    sent = capture(HttpRequest("GET", "http://127.0.0.1:1/studies?PatientName=Doe^J&uid=1,2&x=[a]", ()))
    assert sent.url.raw_path == b"/studies?PatientName=Doe^J&uid=1,2&x=[a]"


def test_only_host_and_the_case_headers_are_sent_for_a_get() -> None:
    sent = capture(HttpRequest("GET", "http://127.0.0.1:1/studies", (("Accept", "application/dicom+json"),)))
    assert sent.headers.raw == [(b"Host", b"127.0.0.1:1"), (b"Accept", b"application/dicom+json")]


def test_a_get_without_case_headers_carries_no_accept_encoding_or_user_agent() -> None:
    sent = capture(HttpRequest("GET", "http://127.0.0.1:1/studies", ()))
    assert sent.headers.raw == [(b"Host", b"127.0.0.1:1")]


def test_a_body_adds_only_content_length() -> None:
    sent = capture(HttpRequest("POST", "http://127.0.0.1:1/studies", (("Content-Type", "text/plain"),), b"abc"))
    assert sent.headers.raw == [(b"Host", b"127.0.0.1:1"), (b"Content-Type", b"text/plain"), (b"Content-Length", b"3")]


def test_header_names_keep_the_case_given_and_repeats_are_kept() -> None:
    sent = capture(HttpRequest("GET", "http://127.0.0.1:1/", (("aCCept", "a/b"), ("X-Dup", "1"), ("X-Dup", "2"))))
    assert sent.headers.raw[1:] == [(b"aCCept", b"a/b"), (b"X-Dup", b"1"), (b"X-Dup", b"2")]


@pytest.mark.parametrize("auth, header", [
    ("basic:alice:s3cret", (b"Authorization", b"Basic YWxpY2U6czNjcmV0")),
    ("bearer:tok123", (b"Authorization", b"Bearer tok123")),
    ("header:X-Api-Key:k-456", (b"X-Api-Key", b"k-456")),
])
def test_credentials_add_exactly_one_header(auth: str, header: tuple[bytes, bytes]) -> None:
    sent = capture(HttpRequest("GET", "http://127.0.0.1:1/", (("Accept", "a/b"),)), auth=auth)
    assert sorted(sent.headers.raw) == sorted([(b"Host", b"127.0.0.1:1"), (b"Accept", b"a/b"), header])


def test_cookies_set_by_the_server_are_not_sent_back_implicitly() -> None:
    seen: list[httpx.Request] = []

    def answer(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"})

    client = HttpClient(ClientSettings(), transport=httpx.MockTransport(answer))
    client.send(HttpRequest("GET", "http://127.0.0.1:1/a", ()))
    client.send(HttpRequest("GET", "http://127.0.0.1:1/b", ()))
    assert "cookie" not in seen[1].headers


# ------------------------------------------------------------------ the real wire (loopback socket)


def wire_request(request: HttpRequest) -> bytes:
    """The exact bytes httpx writes to a socket for this request."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(rest) < length:
                rest += conn.recv(65536)
            got.append(head + b"\r\n\r\n" + rest)
            conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = HttpClient(ClientSettings(timeout_s=5))
    try:
        client.send(HttpRequest(request.method, request.url.replace("PORT", str(port)), request.headers, request.body))
    finally:
        client.close()
        thread.join(5)
        server.close()
    return got[0]


def test_the_request_line_and_headers_on_the_wire_are_exactly_what_the_case_built() -> None:
    query = build_query([("PatientName", "Doe^J*"), ("includefield", ("00100020", "StudyDate"))])
    raw = wire_request(HttpRequest("GET", f"http://127.0.0.1:PORT/dicom-web/studies?{query}",
                                   (("Accept", "application/dicom+json"),)))
    head = raw.split(b"\r\n")
    assert head[0] == f"GET /dicom-web/studies?{query} HTTP/1.1".encode()
    assert head[1].startswith(b"Host: 127.0.0.1:")
    assert head[2:] == [b"Accept: application/dicom+json", b"", b""]


def test_a_post_on_the_wire_carries_its_body_and_content_length_and_nothing_else() -> None:
    raw = wire_request(HttpRequest("POST", "http://127.0.0.1:PORT/studies", (("Content-Type", "text/plain"),), b"hello"))
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /studies HTTP/1.1"
    assert lines[2:] == [b"Content-Type: text/plain", b"Content-Length: 5"]
    assert body == b"hello"
