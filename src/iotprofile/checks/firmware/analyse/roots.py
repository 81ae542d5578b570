"""Finding the root filesystems in an extraction directory (an image may hold several: rootfs, recovery)."""

from __future__ import annotations

import os
from pathlib import Path

#: A directory is a root filesystem when it has ``etc`` and at least one of these.
_ROOT_MARKERS = ("bin", "sbin", "lib", "usr")


def find_roots(extracted: Path, *, max_depth: int = 8) -> list[Path]:
    """Root filesystems under ``extracted`` (itself included), shallowest first, never following symlinks.

    A directory counts when it holds an ``etc`` directory and one of ``bin``, ``sbin``, ``lib``, ``usr``; the search
    does not descend into a root it found (a root's own subdirectories are part of it).
    """
    roots: list[Path] = []
    level = [extracted]
    for _ in range(max_depth + 1):
        following: list[Path] = []
        for directory in level:
            try:
                entries = {e.name: e for e in os.scandir(directory) if e.is_dir(follow_symlinks=False)}
            except OSError:
                continue
            if "etc" in entries and any(marker in entries for marker in _ROOT_MARKERS):
                roots.append(directory)
                continue
            following.extend(Path(entries[name].path) for name in sorted(entries))
        level = following
        if not level:
            break
    return roots
