"""The one exception type for broken multipart framing."""

from __future__ import annotations


class MultipartError(Exception):
    """The body's multipart framing is wrong.

    ``offset`` is the byte offset in the body where the problem was detected and ``reason`` is a
    one-line description; ``str()`` joins both so a failing check can quote it as is.
    """

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason, offset)
        self.reason = reason
        self.offset = offset

    def __str__(self) -> str:
        return f"{self.reason} (byte offset {self.offset})"
