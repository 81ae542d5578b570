"""The shared rate limiter and the attempt deadline."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from iotprofile.checks.device.session import Deadline, DeadlineExceededError, TokenBucket


def test_token_bucket_spaces_acquisitions_across_threads() -> None:
    bucket = TokenBucket(20.0)
    deadline = Deadline.after(60)
    times: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(3):
            bucket.acquire(deadline)
            with lock:
                times.append(time.monotonic())

    threads = [threading.Thread(target=take) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    times.sort()
    assert len(times) == 9
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # Sleeps never end early, so every gap is at least the interval (small slack for clock reads).
    assert min(gaps) >= 0.05 * 0.9


def test_token_bucket_refuses_to_wait_past_the_deadline() -> None:
    bucket = TokenBucket(0.5)  # one token every 2 s
    deadline = Deadline.after(1.0)
    bucket.acquire(deadline)
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        bucket.acquire(deadline)
    assert time.monotonic() - started < 0.5, "it must fail at once, not sleep until the deadline"


def test_deadline_bounds_timeouts() -> None:
    assert Deadline.after(100).bound(3.0) == 3.0
    assert Deadline.after(0.5).bound(3.0) <= 0.5
    with pytest.raises(DeadlineExceededError):
        Deadline(at=time.monotonic() - 1).bound(3.0)
