"""The app's background executor for check runs and profile builds.

Created on first use by a check-run or build route (``jobs(state)``): it first marks runs and builds a previous
server left queued or running as ended in error ("interrupted"), then runs jobs on ``WebSettings.check_workers``
threads. Its shutdown (cancel what has not started, wait for what runs) is registered in ``state.closers``.
Only runs older than this process are marked, so several server processes on one database (``--workers``) do not
mark each other's runs (they need a shared ``--data-dir``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Lock
from typing import Any

from iotprofile.web.context import WebState

_LOCK = Lock()
#: When this server process started (about): live runs older than this were left by a previous server.
_STARTED = datetime.now(UTC)
_log = logging.getLogger(__name__)


class Jobs:
    """A small thread pool for the app's background work."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="iotprofile-job")

    def submit(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``work(*args, **kwargs)`` in the background; errors are logged (the work records its own outcome)."""
        future = self._pool.submit(work, *args, **kwargs)
        future.add_done_callback(_log_failure)
        return future

    def close(self) -> None:
        """Cancel queued work and wait for running work to finish."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _log_failure(future: Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        _log.error("background job failed", exc_info=future.exception())


def jobs(state: WebState) -> Jobs:
    """The app's executor, created (and left-over live runs marked interrupted) on first use."""
    with _LOCK:
        found = getattr(state, "_jobs", None)
        if isinstance(found, Jobs):
            return found
        from iotprofile.services.builds import interrupt_live as interrupt_builds
        from iotprofile.services.check_runs import interrupt_live as interrupt_runs

        interrupt_runs(state.repository, before=_STARTED)
        interrupt_builds(state.repository, before=_STARTED)
        created = Jobs(state.settings.check_workers)
        state._jobs = created  # type: ignore[attr-defined]

        def close() -> None:
            # A later start-up of the same app (a second test client) gets a fresh executor.
            state._jobs = None  # type: ignore[attr-defined]
            created.close()

        state.closers.append(close)
        return created
