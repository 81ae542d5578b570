"""What was sent and received, made fit for a report: printable, truncated, credentials redacted."""

from __future__ import annotations

import re

#: Responses kept in a finding's location are cut to this many characters.
RESPONSE_LIMIT = 512

_AUTHORIZATION = re.compile(r"(?im)^(authorization:\s*\S+)\s+.*$")


def printable(data: bytes, limit: int = RESPONSE_LIMIT) -> str:
    r"""``data`` as text: telnet option bytes and other control bytes shown as ``\xNN``, cut to ``limit`` characters."""
    text = "".join(
        chr(byte) if 32 <= byte < 127 or byte in (9, 10, 13) else f"\\x{byte:02x}" for byte in data[: limit * 2]
    )
    return text if len(text) <= limit else text[:limit] + "...[truncated]"


def redact(request: str) -> str:
    """``request`` with the value of every ``Authorization`` header replaced (the scheme is kept)."""
    return _AUTHORIZATION.sub(r"\1 [redacted]", request)
