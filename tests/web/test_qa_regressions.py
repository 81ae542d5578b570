"""Regressions found by the QA tests, pinned where they were fixed."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from iotprofile.web.context import WebState


def test_a_cached_computation_may_ask_for_its_own_key(tmp_path: Path) -> None:
    """``view_async`` caches ``("view", key)`` around ``view_for``, which memoises the same key: that must not
    deadlock (it did with a plain per-key Lock: the first cell or matrix page never answered)."""
    state = WebState(settings=Any, repository=Any, workspace=Any, data_dir=tmp_path)  # type: ignore[arg-type]
    results: list[object] = []

    def outer() -> object:
        return state.cached("view", lambda: "built")

    worker = threading.Thread(target=lambda: results.append(state.cached("view", outer)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "nested cached() on the same key deadlocked"
    assert results == ["built"]
