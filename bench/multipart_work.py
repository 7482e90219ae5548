"""Worker side of the multipart measurement: bodies, the parsers being compared, a wire server.

"parts" level is what the harness needs: every part's headers and whole body. Both parsers
produce exactly that; the conformance reader through ``iter_parts``, python-multipart through
its callbacks (the documented low-level API).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

BOUNDARY = "bench-boundary-7d1c0f2a9e"
CONTENT_TYPE = f'multipart/related; type="application/dicom"; boundary={BOUNDARY}'


def write_body(path: str, parts: int, part_bytes: int) -> dict[str, Any]:
    """A deterministic multipart/related body of ``parts`` parts, written piece by piece to ``path``."""
    dash = f"--{BOUNDARY}".encode()
    payloads = [bytes((i * 131 + k) % 251 for i in range(min(part_bytes, 4096))) for k in range(7)]
    size = 0
    with open(path, "wb") as out:
        for n in range(parts):
            head = (f"Content-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\n"
                    f"Content-Location: /studies/1.2.3/series/4.5.6/instances/7.8.{n}\r\n").encode()
            block = payloads[n % 7]
            body = (block * (part_bytes // len(block) + 1))[:part_bytes]
            piece = dash + b"\r\n" + head + b"\r\n" + body + b"\r\n"
            out.write(piece)
            size += len(piece)
        out.write(dash + b"--\r\n")
    return {"bytes": size + len(dash) + 4, "parts": parts}


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    view = memoryview(data)
    for at in range(0, len(data), size):
        yield bytes(view[at:at + size])


def conformance_parts(chunks: Iterable[bytes]) -> tuple[int, int]:
    from conformance.multipart import iter_parts

    count = size = 0
    for part in iter_parts(chunks, BOUNDARY, max_part_bytes=1 << 30):
        count += 1
        size += len(part.body)
    return count, size


def conformance_events(chunks: Iterable[bytes]) -> tuple[int, int]:
    from conformance.multipart import MultipartReader, PartData, PartEnd

    reader = MultipartReader(BOUNDARY)
    count = size = 0
    for chunk in chunks:
        for event in reader.feed(chunk):
            if type(event) is PartData:
                size += len(event.data)
            elif type(event) is PartEnd:
                count += 1
    reader.close()
    return count, size


def python_multipart_parts(chunks: Iterable[bytes]) -> tuple[int, int]:
    from python_multipart.multipart import MultipartParser

    state: dict[str, Any] = {"count": 0, "size": 0, "pieces": [], "headers": [], "field": b"", "value": b""}

    def on_part_begin() -> None:
        state["pieces"], state["headers"] = [], []

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"].append((state["field"].decode("latin-1"), state["value"].decode("latin-1")))
        state["field"], state["value"] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["pieces"].append(data[start:end])

    def on_part_end() -> None:
        body = b"".join(state["pieces"])
        state["count"] += 1
        state["size"] += len(body)

    parser = MultipartParser(BOUNDARY, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_part_data": on_part_data, "on_part_end": on_part_end})
    for chunk in chunks:
        parser.write(chunk)
    parser.finalize()
    return state["count"], state["size"]


def python_multipart_events(chunks: Iterable[bytes]) -> tuple[int, int]:
    from python_multipart.multipart import MultipartParser

    state = {"count": 0, "size": 0}

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["size"] += end - start

    def on_part_end() -> None:
        state["count"] += 1

    parser = MultipartParser(BOUNDARY, {"on_part_data": on_part_data, "on_part_end": on_part_end})
    for chunk in chunks:
        parser.write(chunk)
    parser.finalize()
    return state["count"], state["size"]


PARSERS: dict[str, Callable[[Iterable[bytes]], tuple[int, int]]] = {
    "conformance parts": conformance_parts,
    "python-multipart parts": python_multipart_parts,
    "conformance events": conformance_events,
    "python-multipart events": python_multipart_events,
}


def parse_memory(path: str, variants: list[str], chunk: int) -> dict[str, Any]:
    """Parse the body from memory with each variant in turn (in this order); seconds per variant."""
    data = Path(path).read_bytes()
    out: dict[str, Any] = {"bytes": len(data)}
    for name in variants:
        started = time.perf_counter()
        count, _size = PARSERS[name](_chunks(data, chunk))
        out[name] = time.perf_counter() - started
        out[f"{name} parts"] = count
    return out


def parse_wire(url: str, variant: str, read_bytes: int | None = None) -> dict[str, Any]:
    """Download with httpx streaming and parse on the fly ("raw": no parsing); or the harness's own path."""
    from bench.clients import set_read_size

    set_read_size(read_bytes)
    started = time.perf_counter()
    if variant == "harness":
        from conformance.transport.client import ClientSettings, HttpClient
        from conformance.transport.exchange import HttpRequest

        client = HttpClient(ClientSettings(timeout_s=600.0))
        resp = client.send(HttpRequest("GET", url, (("Accept", "multipart/related"),)))
        count = sum(1 for _ in resp.parts())
        size = resp.size
        resp.close()
        client.close()
    else:
        import httpx

        with httpx.Client(timeout=600.0, trust_env=False) as client, client.stream("GET", url) as resp:
            if variant == "raw":
                count, size = 0, sum(len(c) for c in resp.iter_raw())
            else:
                count, _ = PARSERS[variant](resp.iter_raw())
                size = resp.num_bytes_downloaded
    return {"bytes": size, "seconds": time.perf_counter() - started, "parts": count}


def serve(files: dict[str, str], port_file: str) -> None:
    """A minimal HTTP/1.1 server: GET /<name> answers the file with Content-Length via sendfile."""
    listener = socket.create_server(("127.0.0.1", 0))
    Path(port_file).write_text(str(listener.getsockname()[1]))

    def handle(conn: socket.socket) -> None:
        with conn:
            while True:
                head = b""
                while b"\r\n\r\n" not in head:
                    more = conn.recv(65536)
                    if not more:
                        return
                    head += more
                name = head.split(b" ", 2)[1].decode().lstrip("/")
                path = files.get(name)
                if path is None:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                size = Path(path).stat().st_size
                conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: {CONTENT_TYPE}\r\nContent-Length: {size}\r\n\r\n".encode())
                with open(path, "rb") as fh:
                    conn.sendfile(fh)

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":  # python -m bench.multipart_work PORT_FILE NAME=PATH...
    serve(dict(arg.split("=", 1) for arg in sys.argv[2:]), sys.argv[1])
