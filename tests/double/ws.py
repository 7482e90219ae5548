"""The server side of the event channel: RFC 6455 as PS3.18 §8.10.4 and §8.10.5 use it.

An opened channel belongs to one subscriber AE title. Event reports go out as unmasked
text frames (§8.10.5.1.1); the reading loop answers pings and closes, and ends the
channel when the user agent closes it (§8.10.4.2: the server keeps it open until then).
"""

from __future__ import annotations

import base64
import hashlib
import socket
import struct
import threading
from dataclasses import dataclass, field

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2 step 5.4)."""
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode("ascii")).digest()).decode("ascii")


def upgrade_problem(method: str, headers: dict[str, str]) -> str | None:
    """Why an opening handshake is malformed (RFC 6455 §4.2.1), answered 400 per Table 8.10.4-2; None if fine."""
    if method != "GET":
        return "the opening handshake is a GET"
    if (headers.get("upgrade") or "").lower() != "websocket":
        return "Upgrade: websocket is missing"
    if "upgrade" not in (headers.get("connection") or "").lower():
        return "Connection: Upgrade is missing"
    key = headers.get("sec-websocket-key") or ""
    try:
        if len(base64.b64decode(key, validate=True)) != 16:
            return "Sec-WebSocket-Key is not 16 bytes in base64"
    except ValueError:
        return "Sec-WebSocket-Key is missing or not base64"
    if headers.get("sec-websocket-version") != "13":
        return "Sec-WebSocket-Version is not 13"
    return None


def frame(opcode: int, payload: bytes) -> bytes:
    """One final, unmasked frame (servers never mask, RFC 6455 §5.1)."""
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 1 << 16:
        head += bytes([126]) + struct.pack("!H", n)
    else:
        head += bytes([127]) + struct.pack("!Q", n)
    return head + payload


@dataclass
class Channel:
    aet: str
    sock: socket.socket
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False

    def send(self, opcode: int, payload: bytes) -> None:
        with self.lock:
            if self.closed:
                return
            try:
                self.sock.sendall(frame(opcode, payload))
            except OSError:
                self.closed = True

    def close(self, code: int = 1000) -> None:
        self.send(CLOSE, struct.pack("!H", code))
        with self.lock:
            self.closed = True

    def serve(self, reader: object) -> None:
        """Read the user agent's frames until it closes (or the socket goes)."""
        rfile = reader
        while not self.closed:
            try:
                opcode, payload = _read_frame(rfile)
            except (OSError, ValueError, struct.error):
                break
            if opcode == CLOSE:
                self.close()
                break
            if opcode == PING:
                self.send(PONG, payload)
        self.closed = True


def _read_exact(rfile: object, n: int) -> bytes:
    data = rfile.read(n)  # type: ignore[attr-defined]
    if data is None or len(data) != n:
        raise ValueError("connection closed")
    return data


def _read_frame(rfile: object) -> tuple[int, bytes]:
    b0, b1 = _read_exact(rfile, 2)
    opcode, masked, n = b0 & 0x0F, b1 & 0x80, b1 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", _read_exact(rfile, 2))
    elif n == 127:
        (n,) = struct.unpack("!Q", _read_exact(rfile, 8))
    mask = _read_exact(rfile, 4) if masked else b"\0\0\0\0"
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(_read_exact(rfile, n)))
    return opcode, payload


class Channels:
    """Open channels by subscriber AE title."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_aet: dict[str, list[Channel]] = {}

    def add(self, channel: Channel) -> None:
        with self._lock:
            self._by_aet.setdefault(channel.aet, []).append(channel)

    def remove(self, channel: Channel) -> None:
        with self._lock:
            if channel in self._by_aet.get(channel.aet, []):
                self._by_aet[channel.aet].remove(channel)

    def of(self, aet: str) -> list[Channel]:
        with self._lock:
            return [c for c in self._by_aet.get(aet, []) if not c.closed]

    def close_all(self) -> None:
        with self._lock:
            channels = [c for cs in self._by_aet.values() for c in cs]
        for c in channels:
            c.close(1001)
