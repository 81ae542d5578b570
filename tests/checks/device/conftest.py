"""Fixtures for the device check tests: a record of every outgoing connection, and a way to run the check."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from iotprofile.checks.device import DeviceCheck
from iotprofile.checks.interface import Attempt, CheckTarget, InputKind, Limits


@dataclass
class Outgoing:
    """Every ``connect`` made by client sockets during a test: (address, port, monotonic time)."""

    calls: list[tuple[str, int, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def targets(self) -> set[tuple[str, int]]:
        return {(address, port) for address, port, _ in self.calls}


@pytest.fixture
def outgoing(monkeypatch: pytest.MonkeyPatch) -> Outgoing:
    """Records every ``socket.connect`` and ``socket.create_connection`` (the check must only reach the named host)."""
    record = Outgoing()
    real_connect = socket.socket.connect
    real_create = socket.create_connection

    def connect(self: socket.socket, address: Any) -> None:
        with record.lock:
            record.calls.append((str(address[0]), int(address[1]), time.monotonic()))
        real_connect(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        with record.lock:
            record.calls.append((str(address[0]), int(address[1]), time.monotonic()))
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return record


#: Generous bounds: the tests must pass on a loaded two-core machine.
FAST = Limits(timeout_s=60, rate_per_s=200, max_login_attempts=3)

Run = Callable[..., Attempt]


@pytest.fixture
def run_check() -> Run:
    """Run the device check on 127.0.0.1 with the given options (SSDP off unless asked for)."""

    def run(*, limits: Limits = FAST, host: str = "127.0.0.1", **options: Any) -> Attempt:
        options.setdefault("ssdp", False)
        options.setdefault("timeout_s", 10.0)
        options.setdefault("banner_timeout_s", 5.0)
        return DeviceCheck().run(CheckTarget(kind=InputKind.DEVICE, host=host, options=options), limits)

    return run
