"""The runner: one attempt per job in job order, failures contained, local pool and a real Dask LocalCluster."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iotprofile.checks.interface import AttemptStatus, CheckTarget, InputKind, Limits
from iotprofile.checks.registry import load
from iotprofile.checks.runner import Job, Runner, kind_of_file
from iotprofile.errors import CheckError

ECHO = "tests.checks.fakes:EchoCheck"
SLEEPY = "tests.checks.fakes:SleepyCheck"


def _job(check: str, name: str, **options: object) -> Job:
    return Job(check, CheckTarget(kind=InputKind.FIRMWARE, path=Path(name), options=options))


def test_local_pool_returns_one_attempt_per_job_in_order_from_several_processes() -> None:
    jobs = [_job(ECHO, f"image-{n}.bin") for n in range(6)]
    seen: list[int] = []
    attempts = Runner(workers=2).run(jobs, progress=lambda done, total, attempt: seen.append(done))
    assert [attempt.facts["name"] for attempt in attempts] == [f"image-{n}.bin" for n in range(6)]
    assert {attempt.status for attempt in attempts} == {AttemptStatus.COMPLETED}
    assert len({attempt.facts["pid"] for attempt in attempts}) >= 1
    assert seen == [1, 2, 3, 4, 5, 6]


def test_a_crash_an_exception_and_a_timeout_become_error_attempts_and_the_rest_completes() -> None:
    jobs = [
        _job("tests.checks.fakes:CrashingCheck", "a"),
        _job(ECHO, "b"),
        _job("tests.checks.fakes:DyingCheck", "c"),
        Job(
            SLEEPY, CheckTarget(kind=InputKind.FIRMWARE, path=Path("d"), options={"seconds": 60}), Limits(timeout_s=0.5)
        ),
    ]
    import iotprofile.checks.runner as runner

    original = runner.GRACE_S
    runner.GRACE_S = 1.0
    try:
        start = time.monotonic()
        attempts = Runner(workers=2).run(jobs)
        elapsed = time.monotonic() - start
    finally:
        runner.GRACE_S = original
    statuses = [attempt.status for attempt in attempts]
    assert statuses == [AttemptStatus.ERROR, AttemptStatus.COMPLETED, AttemptStatus.ERROR, AttemptStatus.ERROR]
    assert "plugin bug" in (attempts[0].reason or "")
    assert "timed out" in (attempts[3].reason or "")
    assert elapsed < 30  # the hung job was abandoned, not waited for


def test_unknown_check_is_a_clear_error() -> None:
    with pytest.raises(CheckError, match="no check 'nope'"):
        load("nope")
    attempt = Runner(workers=1).run([_job("nope", "x")])[0]
    assert attempt.status is AttemptStatus.ERROR
    assert "no check 'nope'" in (attempt.reason or "")


def test_kind_of_file(tmp_path: Path) -> None:
    sbom = tmp_path / "bom.json"
    sbom.write_text('{"bomFormat": "CycloneDX"}', encoding="utf-8")
    image = tmp_path / "fw.bin"
    image.write_bytes(b"\x27\x05\x19\x56" + bytes(60))
    assert kind_of_file(sbom) is InputKind.SBOM
    assert kind_of_file(image) is InputKind.FIRMWARE


@pytest.mark.slow
def test_the_same_jobs_run_on_a_real_dask_local_cluster() -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        jobs = [_job(ECHO, f"image-{n}.bin") for n in range(4)] + [_job("tests.checks.fakes:CrashingCheck", "x")]
        attempts = Runner(cluster=cluster.scheduler_address).run(jobs)
    assert [attempt.facts.get("name") for attempt in attempts[:4]] == [f"image-{n}.bin" for n in range(4)]
    assert attempts[4].status is AttemptStatus.ERROR
    assert "plugin bug" in (attempts[4].reason or "")


def test_an_unreachable_cluster_is_a_clear_error() -> None:
    with pytest.raises(CheckError, match="cannot reach the Dask scheduler"):
        Runner(cluster="tcp://127.0.0.1:9").run([_job(ECHO, "x")])
