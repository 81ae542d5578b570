"""The external programs extraction needs, where our ``sasquatch`` stand-in lives, and their versions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["REQUIRED_TOOLS", "bin_dir", "missing_tools", "tool_versions"]

#: Programs unblob needs for the formats firmware uses most (7z even for gzip; unsquashfs behind our sasquatch).
REQUIRED_TOOLS = ("7z", "unsquashfs")
_PACKAGED_BIN = Path(__file__).parent / "bin"


@cache
def bin_dir() -> Path:
    """The directory to put first on the extraction child's PATH (holds ``sasquatch``).

    The packaged script is used as it is when it is executable; an install that lost the mode bit gets an
    executable copy in a private temporary directory.
    """
    wrapper = _PACKAGED_BIN / "sasquatch"
    if os.access(wrapper, os.X_OK):
        return _PACKAGED_BIN
    copy_dir = Path(tempfile.mkdtemp(prefix="iotprofile-bin-"))
    shutil.copy(wrapper, copy_dir / "sasquatch")
    (copy_dir / "sasquatch").chmod(0o755)
    return copy_dir


def missing_tools() -> tuple[str, ...]:
    """Required programs not found on PATH."""
    return tuple(tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None)


@cache
def tool_versions() -> dict[str, str]:
    """Versions of unblob, unsquashfs and 7z ('missing' for a program that is not installed)."""
    versions: dict[str, str] = {}
    try:
        versions["unblob"] = version("unblob")
    except PackageNotFoundError:
        versions["unblob"] = "missing"
    versions["unsquashfs"] = _program_version(["unsquashfs", "-version"], r"unsquashfs version (\S+)")
    versions["7z"] = _program_version(["7z", "i"], r"7-Zip(?: \[\d+\])? (?:\(a\) )?(\S+)")
    return versions


def _program_version(command: list[str], pattern: str) -> str:
    executable = shutil.which(command[0])
    if executable is None:
        return "missing"
    try:
        done = subprocess.run(  # noqa: S603 (a fixed command line)
            [executable, *command[1:]], capture_output=True, timeout=10, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    match = re.search(pattern, done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace"))
    return match.group(1) if match else "unknown"
