"""``iotprofile serve`` as a real server process on loopback, for tests that need real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from tests.chromium import free_port


@contextmanager
def serve(db: str, *extra: str) -> Iterator[str]:
    """Run ``iotprofile serve --db DB`` on a free port until the block ends; yields its base URL."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "iotprofile"), "serve", "--port", str(port), "--db", db, *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
