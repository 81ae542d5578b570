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


def test_a_full_cache_drops_the_least_recently_used(app: FastAPI) -> None:
    state = app.state.iotprofile
    state.cache.clear()
    for index in range(3):
        state.cached(("n", index), lambda index=index: index, limit=3)
    state.cached(("n", 0), lambda: "recomputed", limit=3)  # used again: now the most recent
    state.cached(("n", 3), lambda: 3, limit=3)
    assert list(state.cache) == [("n", 2), ("n", 0), ("n", 3)]
    assert state.cached(("n", 0), lambda: "recomputed", limit=3) == 0
