"""Real parts for the tests: Debian's Chromium (Playwright cannot download its own browser here) and free ports.

Launch with ``playwright.chromium.launch_persistent_context(profile_dir, executable_path=str(require_chromium()),
headless=True, args=CHROMIUM_ARGS)``: Playwright refuses ``--user-data-dir`` among the arguments, so the fresh
profile directory is the first argument instead.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, no sandbox (containers), and nothing that reaches the network on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> Path:
    """The browser; skips the test without it on a developer's machine, fails it in CI (``CI`` set)."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
