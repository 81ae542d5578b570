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
    parser.add_argument("--skip-assess", action="store_true", help="only the catalog start-up benchmarks")
    parser.add_argument("--skip-firmware", action="store_true", help="leave out the firmware and batch benchmarks")
    parser.add_argument("--skip-web", action="store_true", help="leave out the web app load benchmark (about 3 min)")
    args = parser.parse_args()
    # The console script, as users run it. Byte-compile the package first, as a wheel install does (an editable
    # install under PYTHONDONTWRITEBYTECODE would otherwise recompile every module in every run).
    import compileall

    import iotprofile

    compileall.compile_dir(Path(iotprofile.__file__).parent, quiet=1)
    script = Path(sys.executable).parent / "iotprofile"
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "iotprofile"]
    show = [*cli, "catalog", "show", "nist-ir-8425", "--format", "json"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("IOTPROFILE_")}
    work = Path(tempfile.mkdtemp(prefix="iotprofile-bench-"))
    # The same catalog as a user's file: nothing pre-rendered, so the full path (pydantic, YAML, validation) runs.
    user_dir = work / "catalogs"
    user_dir.mkdir()
    rendered = subprocess.run(show, env=env, capture_output=True, text=True, check=True).stdout
    (user_dir / "copy-8425.json").write_text(rendered.replace('"nist-ir-8425"', '"copy-8425"', 1), encoding="utf-8")
    user_env = {**env, "IOTPROFILE_CATALOG_DIR": str(user_dir)}

    print(f"iotprofile benchmarks ({args.runs} runs each, whole processes, Python {sys.version.split()[0]})")
    print("CLI start-up: `iotprofile catalog show nist-ir-8425 --format json`")
    bundled, _ = measure("  bundled catalog (ships pre-rendered)", args.runs, lambda: (show, env))
    user, _ = measure(
        "  the same catalog as a user file (parse, validate, render)",
        args.runs,
        lambda: ([*cli, "catalog", "show", "copy-8425", "--format", "json"], user_env),
    )
    trestle = shutil.which("trestle", path=str(Path(sys.executable).parent)) or shutil.which("trestle")
    if trestle:
        anchor, _ = measure(
            "  anchor: compliance-trestle `trestle version`", args.runs, lambda: ([trestle, "version"], env)
        )
        print(f"  ratio anchor/bundled {anchor / bundled:5.1f}x   anchor/user file {anchor / user:5.1f}x")
    verdict = "meets" if bundled <= TARGET_STARTUP_S else "MISSES"
    print(f"  target <= {TARGET_STARTUP_S * 1000:.0f} ms: {verdict}")
    print("Other commands")
    measure(
        "  crosswalk nist-ir-8425a:DP-1 --format json (all crosswalks)",
        args.runs,
        lambda: ([*cli, "crosswalk", "nist-ir-8425a:DP-1", "--format", "json"], env),
    )
    measure(
        "  export nist-ir-8425a --format oscal (profile + 2 catalogs)",
        args.runs,
        lambda: ([*cli, "export", "nist-ir-8425a", "--format", "oscal", "-o", str(work / "out" / "p.json")], env),
    )
    shutil.rmtree(work, ignore_errors=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import grouping

    grouping.main(args.runs)
    import sbom_bench

    print("SBOM check")
    sbom_bench.main()
    if not args.skip_firmware:
        import firmware

        firmware.main(max(3, args.runs // 2))
    if not args.skip_web:
        import web_bench

        print("Web app under load (web_bench.py)")
        web_bench.main()
    if args.skip_assess:
        return
    import assess_bench

    print("Assessment reports")
    assess_bench.report_generation(args.runs)
    print("assess status with many products stored (first run fills the database; later runs reuse it)")
    assess_bench.status_with_many_products(args.runs)


if __name__ == "__main__":
    main()
