"""Where the root filesystems are in an extracted tree (unblob nests them under ``*_extract`` directories)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["root_filesystems"]

#: A directory holding at least two of these looks like the root of a Linux filesystem.
_ROOT_MARKERS = ("etc", "bin", "sbin", "usr", "lib")
_MAX_DEPTH = 24


def root_filesystems(root: Path) -> tuple[Path, ...]:
    """Directories under ``root`` that look like a Linux root filesystem, outermost first.

    A root filesystem has ``etc`` plus one of ``bin``, ``sbin``, ``usr``, ``lib`` (real directories, not links);
    its own subdirectories are not searched again, except ``*_extract`` ones (archives found inside it).
    """
    found: list[Path] = []
    for directory, dirnames, _ in os.walk(root, followlinks=False):
        path = Path(directory)
        dirnames.sort()
        if len(path.relative_to(root).parts) > _MAX_DEPTH:
            dirnames.clear()
            continue
        present = {name for name in dirnames if name in _ROOT_MARKERS and not (path / name).is_symlink()}
        if "etc" in present and len(present) >= 2 and all(_extracted_within(outer, path) for outer in found):
            found.append(path)
    return tuple(sorted(found, key=lambda p: (len(p.parts), str(p))))


def _extracted_within(outer: Path, path: Path) -> bool:
    """Whether ``path`` is outside ``outer``, or inside it but under an archive extracted there."""
    if outer not in path.parents:
        return True
    return any(part.endswith("_extract") for part in path.relative_to(outer).parts)
