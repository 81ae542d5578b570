"""TCP connect probe of the named ports, and what each open service says first.

Only the ports the user named are tried (no sweep), at most :data:`MAX_CONCURRENCY` at once, each connection after
a token of the session's rate limiter. Services that speak first (SSH, telnet, FTP) are read for a short while; a
silent service is sent one ``HEAD / HTTP/1.0`` to see whether it is a web server.
"""

from __future__ import annotations

import re
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

from iotprofile.checks.device.session import DeadlineExceededError, ProbeSession

#: Connections in flight at once (the rate limiter spaces their starts anyway).
MAX_CONCURRENCY = 8
#: Bytes read from a banner.
BANNER_BYTES = 4096
_TELNET_PORTS = (23, 2323)
_HEAD = b"HEAD / HTTP/1.0\r\n\r\n"


class PortState(StrEnum):
    """What a connection attempt found."""

    OPEN = "open"
    CLOSED = "closed"
    #: No answer within the timeout (dropped by a firewall, or the host is down).
    FILTERED = "filtered"
    #: The attempt's deadline came before this port was tried.
    NOT_PROBED = "not-probed"


class Service(StrEnum):
    """What an open port was recognised as."""

    SSH = "ssh"
    TELNET = "telnet"
    HTTP = "http"
    HTTPS = "https"
    FTP = "ftp"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PortResult:
    """One port: its state, the first bytes its service sent, what it is, and what was sent to it."""

    port: int
    state: PortState
    service: Service | None = None
    banner: bytes = b""
    sent: bytes = b""
    reason: str | None = None


def classify(port: int, banner: bytes) -> Service:
    """The service a banner (or, for silent services, the answer to ``HEAD``) reveals."""
    if banner.startswith(b"SSH-"):
        return Service.SSH
    if banner[:1] == b"\xff" or port in _TELNET_PORTS:
        # Telnet servers open with IAC option negotiation (0xFF ...).
        return Service.TELNET
    if banner.startswith(b"HTTP/"):
        return Service.HTTP
    if banner.startswith(b"220") and b"ftp" in banner[:200].lower():
        return Service.FTP
    return Service.UNKNOWN


@dataclass(frozen=True)
class BannerWait:
    """How long to wait for a service to speak (``first_s``), and for more once it has (``settle_s``).

    Reading stops early when the text so far ends like a prompt or an SSH identification line, so a generous
    ``settle_s`` costs nothing for services that end their greeting recognisably.
    """

    first_s: float = 1.5
    settle_s: float = 1.0


_PROMPT_END = re.compile(rb"(?:[:#$>%]\s?|^SSH-[^\n]*\n)$")


def _complete(data: bytes) -> bool:
    """Whether a greeting looks finished: a login/password/shell prompt, or a whole SSH identification line."""
    return bool(_PROMPT_END.search(data))


def _read(sock: socket.socket, timeout: float, settle: float) -> bytes:
    sock.settimeout(timeout)
    chunks: list[bytes] = []
    size = 0
    try:
        while size < BANNER_BYTES:
            chunk = sock.recv(BANNER_BYTES - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if _complete(b"".join(chunks)):
                break
            sock.settimeout(min(timeout, settle))
    except (TimeoutError, OSError):
        pass
    return b"".join(chunks)


def probe_port(  # noqa: PLR0911 - one return per outcome of a connection
    session: ProbeSession, port: int, *, listen: bool, wait: BannerWait
) -> PortResult:
    """Connect to ``port``; if ``listen``, read its banner (and send ``HEAD`` when it stays silent)."""
    try:
        sock = session.connect(port)
    except DeadlineExceededError:
        return PortResult(port, PortState.NOT_PROBED, reason="attempt deadline reached")
    except ConnectionRefusedError:
        return PortResult(port, PortState.CLOSED)
    except TimeoutError:
        return PortResult(port, PortState.FILTERED, reason="no answer within the timeout")
    except OSError as error:
        return PortResult(port, PortState.FILTERED, reason=f"{type(error).__name__}: {error}")
    with sock:
        if not listen:
            return PortResult(port, PortState.OPEN)
        try:
            banner = _read(sock, session.deadline.bound(wait.first_s), wait.settle_s)
            sent = b""
            if not banner and port not in _TELNET_PORTS:
                sent = _HEAD
                sock.sendall(_HEAD)
                banner = _read(sock, session.deadline.bound(wait.first_s), wait.settle_s)
        except (DeadlineExceededError, OSError):
            return PortResult(port, PortState.OPEN, Service.UNKNOWN, reason="banner not read")
        return PortResult(port, PortState.OPEN, classify(port, banner), banner, sent)


def scan(
    session: ProbeSession, ports: tuple[int, ...], *, silent: frozenset[int], wait: BannerWait
) -> list[PortResult]:
    """Every port of ``ports`` probed (banners read except on ``silent`` ports, which later probes speak to)."""
    if not ports:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENCY, len(ports)), thread_name_prefix="device-probe") as pool:
        futures = [pool.submit(probe_port, session, port, listen=port not in silent, wait=wait) for port in ports]
        return [future.result() for future in futures]
