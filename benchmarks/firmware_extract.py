"""Firmware extraction: ``extract()`` (unblob in a bounded child process, plus header parsing and containment checks)
against the plain ``unblob`` command on the same images, a 1 MB and a 32 MB squashfs-in-uImage firmware.

Run: ``.venv/bin/python benchmarks/firmware_extract.py [runs]`` (median of ``runs``, default 3). Both figures are
whole-process wall times including unblob's import (about 1.5 s).
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

REPO = Path(__file__).resolve().parents[1]


def _median(runs: int, action: object) -> float:
    assert callable(action)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(runs: int = 3) -> None:
    sys.path.insert(0, str(REPO))
    from tests.checks.firmware.builder import ImageFormat, build_image

    from iotprofile.checks.firmware.extract import extract
    from iotprofile.checks.firmware.tools import bin_dir
    from iotprofile.checks.interface import Limits

    unblob = Path(sys.executable).parent / "unblob"
    env = dict(os.environ, PATH=f"{bin_dir()}{os.pathsep}{os.environ.get('PATH', os.defpath)}")
    with tempfile.TemporaryDirectory(prefix="bench-firmware-") as work:
        base = Path(work)
        for label, pad in (("1 MB", 0), ("32 MB", 31 << 20)):
            workdir = base / label.replace(" ", "")
            workdir.mkdir()
            image = build_image(workdir, ImageFormat.UIMAGE, pad_bytes=pad).path
            out = workdir / "out"

            def ours(image: Path = image, out: Path = out) -> None:
                shutil.rmtree(out, ignore_errors=True)
                result = extract(image, out, Limits())
                assert result.files_written > 10
                assert not result.limits_hit

            def plain(image: Path = image, out: Path = out) -> None:
                shutil.rmtree(out, ignore_errors=True)
                # The same tools as extract() gets (our sasquatch first on PATH), so both extract the squashfs.
                subprocess.run(
                    [str(unblob), "-e", str(out), str(image)], check=True, capture_output=True, cwd=work, env=env
                )
                assert any(out.rglob("shadow"))

            ours()  # warm the page cache and tool_versions() once
            mine, theirs = _median(runs, ours), _median(runs, plain)
            size = image.stat().st_size / (1 << 20)
            ratio = mine / theirs
            print(
                f"{label} image ({size:.1f} MiB): extract() {mine:.2f} s, unblob CLI {theirs:.2f} s, ratio {ratio:.2f}"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
