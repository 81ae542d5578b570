"""The firmware check, end to end, against unblob alone: ``python benchmarks/firmware.py`` (part of ``make bench``).

* a 1 MB router image (uImage + squashfs, planted weaknesses): whole ``iotprofile scan firmware`` process; target
  under 2 s;
* a 32 MB image (the same with 31 MB of incompressible data): target under 15 s on 2 cores;
* the ratio of the whole scan to unblob's extraction alone (``unblob -e``, the anchor): target at most 1.5x;
* a batch of 20 images on a 2-worker Dask LocalCluster against a 1-worker one: target at least 1.7x faster.

Images are built by the test-image builder (tests/checks/firmware/builder.py) into a temporary directory.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_1MB_S = 2.0
TARGET_32MB_S = 15.0
TARGET_RATIO = 1.5
TARGET_BATCH_SPEEDUP = 1.7


def _median_process(command: list[str], runs: int, *, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _unblob(image: Path, runs: int) -> float:
    """unblob's own CLI extracting the image (its sasquatch stand-in on PATH, as our extraction has it)."""
    from iotprofile.checks.firmware.tools import bin_dir

    unblob = Path(sys.executable).parent / "unblob"
    env = {**os.environ, "PATH": f"{bin_dir()}{os.pathsep}{os.environ.get('PATH', '')}"}
    times = []
    for _ in range(runs):
        out = Path(tempfile.mkdtemp(prefix="unblob-bench-"))
        start = time.perf_counter()
        subprocess.run([str(unblob), "-e", str(out), str(image)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env)  # fmt: skip
        times.append(time.perf_counter() - start)
        shutil.rmtree(out, ignore_errors=True)
    return statistics.median(times)


def _batch(images: list[Path], workers: int) -> float:
    from distributed import LocalCluster

    from iotprofile.checks.runner import Runner
    from iotprofile.services.scan import file_jobs

    jobs = file_jobs(images)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        runner = Runner(cluster=cluster.scheduler_address)
        runner.run(jobs[:workers])  # warm the workers (imports), as a long-running cluster is
        start = time.perf_counter()
        attempts = runner.run(jobs)
        elapsed = time.perf_counter() - start
    failed = [attempt for attempt in attempts if attempt.status.value != "completed"]
    if failed:
        raise SystemExit(f"batch benchmark: {len(failed)} attempts failed: {failed[0].reason}")
    return elapsed


def main(runs: int = 5) -> None:
    """Every firmware figure."""
    from tests.checks.firmware.builder import ImageFormat, build_image

    work = Path(tempfile.mkdtemp(prefix="iotprofile-fw-bench-"))
    try:
        small = build_image(work / "small", ImageFormat.UIMAGE).path
        large = build_image(work / "large", ImageFormat.UIMAGE, pad_bytes=31 * 1024 * 1024).path
        cli = [str(Path(sys.executable).parent / "iotprofile"), "scan", "firmware"]
        print(f"Firmware check (whole processes, median of {runs}, {os.cpu_count()} CPUs)")
        for name, image, target, count in (
            ("1 MB", small, TARGET_1MB_S, runs),
            ("32 MB", large, TARGET_32MB_S, max(3, runs // 2)),
        ):
            size = image.stat().st_size / 1024 / 1024
            ours = _median_process([*cli, str(image), "--format", "json"], count)
            anchor = _unblob(image, count)
            verdict = "meets" if ours <= target else "MISSES"
            ratio = ours / anchor
            ratio_verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
            print(
                f"  {name} image ({size:.1f} MiB): scan firmware {ours:5.2f} s (target < {target:g} s: {verdict}); "
                f"unblob -e alone {anchor:5.2f} s; ratio {ratio:4.2f}x (target <= {TARGET_RATIO}x: {ratio_verdict})"
            )
        images = []
        for index in range(20):
            folder = work / f"batch-{index}"
            images.append(build_image(folder, ImageFormat.SQUASHFS, seed=index, host_binaries=index % 2 == 0).path)
        from iotprofile.checks.firmware.extract import NATIVE_ENV

        for label, fast in (("fast path", "1"), ("unblob for every image", "0")):
            os.environ[NATIVE_ENV] = fast  # the cluster's worker processes inherit it
            one = _batch(images, 1)
            two = _batch(images, 2)
            speedup = one / two
            verdict = "meets" if speedup >= TARGET_BATCH_SPEEDUP else "MISSES"
            print(f"  batch of 20 images on a Dask LocalCluster ({label}): 1 worker {one:5.2f} s, 2 workers "
                  f"{two:5.2f} s, speed-up {speedup:4.2f}x (target >= {TARGET_BATCH_SPEEDUP}x: {verdict})")  # fmt: skip
        os.environ.pop(NATIVE_ENV, None)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
