"""Run every benchmark and print medians and ratios: ``python benchmarks/run.py`` (or ``make bench``).

Start-up is measured as whole processes, the way a user or a CI job runs the command, with the peak resident
memory of each process (``wait4``). The anchor is compliance-trestle's own CLI (a dependency, so always
installed), printing its version.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_STARTUP_S = 0.25


def run_process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MiB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def measure(name: str, runs: int, make: Callable[[], tuple[list[str], dict[str, str]]]) -> tuple[float, float]:
    """Median time and the largest peak memory over ``runs`` processes (one warm-up run first)."""
    command, env = make()
    run_process(command, env)
    times, peaks = [], []
    for _ in range(runs):
        command, env = make()
        elapsed, peak = run_process(command, env)
        times.append(elapsed)
        peaks.append(peak)
    median = statistics.median(times)
    print(
        f"{name:<58} median {median * 1000:7.1f} ms  (min {min(times) * 1000:6.1f}, max {max(times) * 1000:6.1f})"
        f"  peak {max(peaks):6.1f} MiB"
    )
    return median, max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9, help="runs per measurement (median reported)")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "iotprofile"]
    show = [*cli, "catalog", "show", "nist-ir-8425", "--format", "json"]
    base_env = {key: value for key, value in os.environ.items() if not key.startswith("IOTPROFILE_")}
    cache_root = Path(tempfile.mkdtemp(prefix="iotprofile-bench-"))
    counter = iter(range(10**6))

    def warm() -> tuple[list[str], dict[str, str]]:
        return show, {**base_env, "IOTPROFILE_CACHE_DIR": str(cache_root / "warm")}

    def cold() -> tuple[list[str], dict[str, str]]:
        return show, {**base_env, "IOTPROFILE_CACHE_DIR": str(cache_root / f"cold-{next(counter)}")}

    def uncached() -> tuple[list[str], dict[str, str]]:
        return show, {**base_env, "IOTPROFILE_CACHE_DIR": ""}

    def crosswalk() -> tuple[list[str], dict[str, str]]:
        return [*cli, "crosswalk", "nist-ir-8425a:DP-1", "--format", "json"], {**base_env, "IOTPROFILE_CACHE_DIR": ""}

    def export_oscal() -> tuple[list[str], dict[str, str]]:
        out = cache_root / "export" / "nist-ir-8425a.json"
        return [*cli, "export", "nist-ir-8425a", "--format", "oscal", "-o", str(out)], base_env

    print(f"iotprofile benchmarks ({args.runs} runs each, whole processes, Python {sys.version.split()[0]})")
    print("CLI start-up: `iotprofile catalog show nist-ir-8425 --format json`")
    warm_median, _ = measure("  warm (rendered JSON cached; every run after the first)", args.runs, warm)
    cold_median, _ = measure("  cold (first run after install or upgrade: renders, caches)", args.runs, cold)
    measure("  cache off (IOTPROFILE_CACHE_DIR='')", args.runs, uncached)
    trestle = shutil.which("trestle", path=str(Path(sys.executable).parent)) or shutil.which("trestle")
    if trestle:
        anchor, _ = measure(
            "  anchor: compliance-trestle `trestle version`", args.runs, lambda: ([trestle, "version"], base_env)
        )
        print(f"  ratio anchor/warm {anchor / warm_median:5.1f}x   anchor/cold {anchor / cold_median:5.1f}x")
    verdict = "meets" if warm_median <= TARGET_STARTUP_S and cold_median <= TARGET_STARTUP_S else "MISSES"
    print(f"  target <= {TARGET_STARTUP_S * 1000:.0f} ms (warm and cold): {verdict}")
    print("Other commands")
    measure("  crosswalk nist-ir-8425a:DP-1 --format json (all crosswalks)", args.runs, crosswalk)
    measure("  export nist-ir-8425a --format oscal (profile + 2 catalogs)", args.runs, export_oscal)
    shutil.rmtree(cache_root, ignore_errors=True)


if __name__ == "__main__":
    main()
