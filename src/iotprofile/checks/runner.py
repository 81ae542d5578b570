"""Running checks: a local process pool by default, a Dask cluster when given one.

The runner, not the check, owns concurrency, time limits and failure containment (ARCHITECTURE.md, firm): every
job becomes exactly one :class:`~iotprofile.checks.interface.Attempt`, in the order the jobs were given, whatever
happens in the worker (an exception, a crash, a timeout becomes an ``error`` attempt with the reason). Jobs and
attempts cross process boundaries as JSON, so a worker needs nothing but iotprofile installed.

* Local: one process per job, at most ``workers`` at a time, each forked from a fork server that has already
  imported the checks' modules (so unblob's 1.5 s import is paid once, not per image). A job that overruns its time
  limit plus a grace period is killed; a job whose process dies (a crashing parser) is an error; the others go on.
* Dask: ``--cluster tcp://HOST:PORT`` or ``$IOTPROFILE_CLUSTER``; the same function runs on the cluster's workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from iotprofile.checks.interface import Attempt, AttemptStatus, CheckTarget, InputKind, InputRef, Limits, utc_now
from iotprofile.errors import CheckError

#: Environment variable naming a Dask scheduler (``tcp://host:8786``).
CLUSTER_ENV = "IOTPROFILE_CLUSTER"
#: Seconds a job may overrun its own time limit before the runner gives up on it.
GRACE_S = 10.0

Progress = Callable[[int, int, Attempt], None]


@dataclass(frozen=True)
class Job:
    """One check on one target, with its limits."""

    check: str
    target: CheckTarget
    limits: Limits = field(default_factory=Limits)

    def describe(self) -> str:
        """``firmware on image.bin`` and the like."""
        return f"{self.check} on {self.target.host or self.target.path}"


def _input_of(job: Job) -> InputRef:
    name = job.target.host or str(job.target.path or "")
    return InputRef(kind=job.target.kind, name=name or job.target.kind.value)


def error_attempt(job: Job, reason: str, *, version: str = "unknown") -> Attempt:
    """An ``error`` attempt for a job that produced none (it says nothing about the product)."""
    now = utc_now()
    return Attempt(
        check=job.check,
        check_version=version,
        status=AttemptStatus.ERROR,
        reason=reason,
        input=_input_of(job),
        started_at=now,
        finished_at=now,
    )


def execute(check: str, target_json: str, limits_json: str) -> str:
    """Run one job in this process and return its attempt as JSON (the worker side; never raises)."""
    target = CheckTarget.model_validate_json(target_json)
    limits = Limits.model_validate_json(limits_json)
    job = Job(check, target, limits)
    try:
        from iotprofile.checks.registry import load

        cls = load(check)
        attempt = cls().run(target, limits)
    except Exception as exc:  # noqa: BLE001 (the runner's promise: any failure becomes an error attempt)
        attempt = error_attempt(job, f"{type(exc).__name__}: {exc}")
    return attempt.model_dump_json()


def _payload(job: Job) -> tuple[str, str, str]:
    return job.check, job.target.model_dump_json(), job.limits.model_dump_json()


class Runner:
    """Runs jobs locally (``workers`` processes) or on a Dask cluster (``cluster`` address)."""

    def __init__(self, *, workers: int | None = None, cluster: str | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.cluster = cluster if cluster is not None else os.environ.get(CLUSTER_ENV) or None

    def run(self, jobs: Sequence[Job], *, progress: Progress | None = None) -> list[Attempt]:
        """One attempt per job, in job order."""
        if not jobs:
            return []
        if self.cluster:
            return self._run_dask(jobs, progress)
        if len(jobs) == 1 and self.workers == 1:
            return self._run_inline(jobs, progress)
        return self._run_local(jobs, progress)

    def _run_inline(self, jobs: Sequence[Job], progress: Progress | None) -> list[Attempt]:
        attempts = []
        for done, job in enumerate(jobs, start=1):
            attempt = Attempt.model_validate_json(execute(*_payload(job)))
            attempts.append(attempt)
            if progress:
                progress(done, len(jobs), attempt)
        return attempts

    def _run_local(self, jobs: Sequence[Job], progress: Progress | None) -> list[Attempt]:
        from multiprocessing.connection import Connection, wait

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_preload(jobs))
        results: list[Attempt | None] = [None] * len(jobs)
        queue = list(range(len(jobs)))
        running: dict[int, tuple[Any, Connection, float]] = {}
        done = 0

        def finish(index: int, attempt: Attempt) -> None:
            nonlocal done
            results[index] = attempt
            done += 1
            if progress:
                progress(done, len(jobs), attempt)

        try:
            while queue or running:
                while queue and len(running) < self.workers:
                    index = queue.pop(0)
                    receive, send = context.Pipe(duplex=False)
                    process = context.Process(target=_child, args=(send, *_payload(jobs[index])), daemon=True)
                    process.start()
                    send.close()
                    running[index] = (process, receive, time.monotonic() + jobs[index].limits.timeout_s + GRACE_S)
                waitables = [item for process, receive, _ in running.values() for item in (receive, process.sentinel)]
                wait(waitables, timeout=0.2)
                for index, (process, receive, deadline) in list(running.items()):
                    job = jobs[index]
                    if receive.poll():
                        try:
                            finish(index, Attempt.model_validate_json(receive.recv_bytes().decode("utf-8")))
                        except (EOFError, OSError, ValueError) as exc:
                            finish(index, error_attempt(job, f"worker sent no usable result: {exc}"))
                    elif not process.is_alive():
                        finish(index, error_attempt(job, f"worker process died (exit code {process.exitcode})"))
                    elif time.monotonic() > deadline:
                        process.kill()
                        finish(
                            index,
                            error_attempt(
                                job,
                                f"timed out: no result within {job.limits.timeout_s:g} s "
                                f"(+{GRACE_S:g} s grace); the worker was stopped",
                            ),
                        )
                    else:
                        continue
                    receive.close()
                    process.join(timeout=5)
                    del running[index]
        finally:
            for process, receive, _ in running.values():
                process.kill()
                receive.close()
        return [attempt for attempt in results if attempt is not None]

    def _run_dask(self, jobs: Sequence[Job], progress: Progress | None) -> list[Attempt]:
        try:
            from distributed import Client, as_completed
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise CheckError(f"--cluster needs dask.distributed: {exc}") from None
        try:
            client = Client(self.cluster, timeout=10, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise CheckError(f"cannot reach the Dask scheduler at {self.cluster}: {exc}", where="--cluster") from None
        results: list[Attempt | None] = [None] * len(jobs)
        try:
            futures: dict[Any, int] = {}
            for index, job in enumerate(jobs):
                future = client.submit(execute, *_payload(job), pure=False, key=f"iotprofile-{index}-{os.getpid()}")
                futures[future] = index
            budget = max(job.limits.timeout_s for job in jobs) * len(jobs) + GRACE_S
            done = 0
            with client.as_current():
                try:
                    for future in as_completed(list(futures), timeout=budget):
                        index = futures[future]
                        try:
                            results[index] = Attempt.model_validate_json(future.result())
                        except Exception as exc:  # noqa: BLE001 (a failed task is an error attempt)
                            results[index] = error_attempt(
                                jobs[index], f"Dask task failed: {type(exc).__name__}: {exc}"
                            )
                        done += 1
                        attempt = results[index]
                        if progress and attempt is not None:
                            progress(done, len(jobs), attempt)
                except TimeoutError:
                    for future, index in futures.items():
                        if results[index] is None:
                            future.cancel()
                            results[index] = error_attempt(jobs[index], "timed out on the Dask cluster")
                            done += 1
        finally:
            client.close()
        return [attempt for attempt in results if attempt is not None]


def _child(send: Any, check: str, target_json: str, limits_json: str) -> None:
    """A worker process: run one job, send its attempt, exit."""
    try:
        send.send_bytes(execute(check, target_json, limits_json).encode("utf-8"))
    finally:
        send.close()


def _preload(jobs: Sequence[Job]) -> list[str]:
    """Modules the fork server imports once, so each job's process starts with them loaded (unblob: 1.5 s)."""
    from iotprofile.checks.registry import available, load

    modules = ["iotprofile.checks.runner", "iotprofile.checks.registry"]
    for job in jobs:
        where = available().get(job.check) or (job.check if ":" in job.check else "")
        module = where.partition(":")[0]
        if module and module not in modules:
            modules.append(module)
            try:
                modules += [extra for extra in getattr(load(job.check), "preload", ()) if extra not in modules]
            except CheckError:
                continue  # the job itself will report the unknown check
    return modules


def kind_of_file(path: Any) -> InputKind:
    """SBOM or firmware, from the file's first bytes (a JSON/XML/SPDX text document is an SBOM)."""
    from pathlib import Path

    with Path(path).open("rb") as stream:
        head = stream.read(4096).lstrip()
    text = head[:2048].decode("utf-8", errors="replace")
    if head.startswith((b"{", b"<?xml", b"<bom")) or "SPDXVersion:" in text or '"bomFormat"' in text:
        return InputKind.SBOM
    return InputKind.FIRMWARE
