"""The app's cache: computed once per key, even when many requests miss it at once."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import FastAPI


def test_concurrent_misses_compute_once(app: FastAPI) -> None:
    state = app.state.iotprofile
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "value"

    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(state.cached(("k", 1), compute))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["value"] * 8
    assert len(calls) == 1
    assert state.cached(("k", 2), lambda: "other") == "other"


def test_a_full_cache_starts_over(app: FastAPI) -> None:
    state = app.state.iotprofile
    for index in range(5):
        state.cached(("n", index), lambda index=index: index, limit=3)
    assert len(state.cache) <= 3
    assert state.cached(("n", 4), lambda: "recomputed", limit=3) == 4
