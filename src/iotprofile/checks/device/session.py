"""The only way the device check touches the network: one address, a shared rate limit and one deadline.

Every probe gets its sockets from a :class:`ProbeSession`, which holds the single address the named host resolved
to, a :class:`TokenBucket` shared by every connection and datagram of the attempt (``Limits.rate_per_s``) and a
:class:`Deadline` for the attempt's wall time (``Limits.timeout_s``). A probe cannot reach another host: the
session takes a port, never an address, so a redirect or an SSDP ``LOCATION`` pointing elsewhere is recorded,
not followed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class DeadlineExceededError(Exception):
    """The attempt's wall-time budget (``Limits.timeout_s``) is spent."""


class TokenBucket:
    """A thread-safe token bucket holding at most one token: consecutive acquisitions are at least ``1/rate`` apart.

    A capacity of one means no bursts: the rate the user gives is the highest rate the device ever sees.
    """

    def __init__(
        self,
        rate_per_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 1.0 / rate_per_s
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = clock()

    def acquire(self, deadline: Deadline) -> None:
        """Wait for the next slot; raises :class:`DeadlineExceededError` rather than wait past ``deadline``."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            if slot > deadline.at:
                raise deadline.exceeded()
            self._next = slot + self._interval
        # Sleeping outside the lock lets the next caller reserve the slot after ours meanwhile.
        if slot > now:
            self._sleep(slot - now)


@dataclass
class Deadline:
    """The monotonic time by which the whole attempt must be over."""

    at: float
    #: Set once anything was refused or cut short because of this deadline.
    hit: bool = False

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """A deadline ``seconds`` from now."""
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.at - time.monotonic())

    def bound(self, timeout: float) -> float:
        """``timeout`` cut to what is left; raises :class:`DeadlineExceededError` when nothing is."""
        left = self.remaining()
        if left <= 0:
            raise self.exceeded()
        return min(timeout, left)

    def exceeded(self) -> DeadlineExceededError:
        """The error to raise when work would run past the deadline (and a note that it happened)."""
        self.hit = True
        return DeadlineExceededError(f"attempt deadline reached ({self.at:.3f})")


@dataclass
class ProbeSession:
    """Sockets to one address, each opened after a token of the shared bucket, within the deadline."""

    host: str
    family: socket.AddressFamily
    address: str
    limiter: TokenBucket
    deadline: Deadline
    timeout_s: float
    connections: int = 0
    datagrams: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def endpoint(self, port: int) -> str:
        """``host:port`` as findings name it (``[v6]:port`` for IPv6 addresses)."""
        return f"[{self.address}]:{port}" if self.family == socket.AF_INET6 else f"{self.address}:{port}"

    def connect(self, port: int) -> socket.socket:
        """A TCP connection to ``port`` of the session's address; raises ``OSError`` (refused, timed out)."""
        self.limiter.acquire(self.deadline)
        with self._lock:
            self.connections += 1
        sock = socket.socket(self.family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.deadline.bound(self.timeout_s))
            sock.connect((self.address, port))
        except BaseException:
            sock.close()
            raise
        return sock

    def datagram(self, port: int, payload: bytes) -> socket.socket:
        """A UDP socket connected to ``port`` (the kernel drops replies from other senders), ``payload`` sent."""
        self.limiter.acquire(self.deadline)
        with self._lock:
            self.datagrams += 1
        sock = socket.socket(self.family, socket.SOCK_DGRAM)
        try:
            sock.settimeout(self.deadline.bound(self.timeout_s))
            sock.connect((self.address, port))
            sock.send(payload)
        except BaseException:
            sock.close()
            raise
        return sock


def resolve(host: str) -> tuple[socket.AddressFamily, str, list[str]]:
    """The first address ``host`` resolves to (its family and text) and all the addresses it resolved to.

    A name resolving to several addresses is allowed, but only the first is probed (the caller records the rest).
    """
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    if not infos:
        raise OSError(f"{host} resolves to no address")
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    family, _, _, _, sockaddr = infos[0]
    return family, str(sockaddr[0]), addresses
