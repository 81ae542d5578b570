"""The shared rate limiter and the attempt deadline."""

from __future__ import annotations

import threading
import time

import pytest

from iotprofile.checks.device.session import Deadline, DeadlineExceededError, TokenBucket


class FakeTime:
    """A clock that only moves when someone sleeps (so slot arithmetic is checked exactly)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.wakeups: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.wakeups.append(self.now)


def test_token_bucket_gives_one_slot_per_interval_and_no_burst() -> None:
    fake = FakeTime()
    bucket = TokenBucket(4.0, clock=fake.clock, sleep=fake.sleep)
    deadline = Deadline(at=fake.now + 60)
    for _ in range(5):
        bucket.acquire(deadline)
    # The first acquisition is immediate; each later one waits exactly a quarter second after the previous.
    assert fake.wakeups == [1000.25, 1000.5, 1000.75, 1001.0]


def test_token_bucket_does_not_let_idle_time_accumulate_into_a_burst() -> None:
    fake = FakeTime()
    bucket = TokenBucket(2.0, clock=fake.clock, sleep=fake.sleep)
    deadline = Deadline(at=fake.now + 60)
    bucket.acquire(deadline)
    fake.now += 10  # idle for a long time
    bucket.acquire(deadline)
    bucket.acquire(deadline)
    assert fake.wakeups == [1010.5]


def test_token_bucket_spaces_acquisitions_across_threads() -> None:
    rate, per_thread, threads_count = 20.0, 3, 3
    bucket = TokenBucket(rate)
    deadline = Deadline.after(60)
    started = time.monotonic()
    done: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(per_thread):
            bucket.acquire(deadline)
        with lock:
            done.append(time.monotonic())

    threads = [threading.Thread(target=take) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(done) == threads_count
    # Nine slots shared by three threads: the last cannot come before eight intervals (sleeps never end early;
    # a loaded machine only makes this later, so the bound is robust).
    assert max(done) - started >= (per_thread * threads_count - 1) / rate * 0.99


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
