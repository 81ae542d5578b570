"""Keeping an extraction inside its root: the checks made after unblob ran, and the listing of what it wrote.

unblob already refuses ``..`` entries and rewrites absolute symlinks to stay inside the filesystem they came from.
We do not rely on that alone: after every extraction the whole tree is walked without following links, and
anything that could lead an analysis outside the root is neutralised and reported: a symlink whose target resolves
outside the root (it is removed; its target is kept in the report), a hard link shared with a file outside the root
(removed), a device node, FIFO or socket (removed). Nothing is ever followed or opened.
"""

from __future__ import annotations

import os
import stat
from enum import StrEnum
from pathlib import Path, PurePosixPath

from pydantic import Field

from iotprofile.catalog.model import Frozen

__all__ = ["EntryType", "ListingEntry", "NeutralisedEntry", "listing", "neutralise", "usage"]


class EntryType(StrEnum):
    """The kind of an extracted entry."""

    FILE = "file"
    DIRECTORY = "dir"
    SYMLINK = "symlink"
    OTHER = "other"


class ListingEntry(Frozen):
    """One entry of an extracted tree (path relative to the root, POSIX separators)."""

    path: str
    type: EntryType
    size: int = Field(default=0, ge=0, description="Bytes, for regular files.")
    target: str | None = Field(default=None, description="Symlink target as stored.")


class NeutralisedEntry(Frozen):
    """Something removed from the extraction because it could reach outside the root."""

    path: str = Field(description="Path relative to the extraction root.")
    reason: str = Field(description="'symlink-outside-root', 'hardlink-outside-root' or 'special-file'.")
    target: str | None = Field(default=None, description="The symlink target, as stored in the image.")


def neutralise(root: Path) -> list[NeutralisedEntry]:
    """Walk ``root`` without following links and remove every entry that could escape it; the list of removals."""
    root = root.resolve()
    removed: list[NeutralisedEntry] = []
    inside: dict[tuple[int, int], int] = {}
    files: list[tuple[Path, os.stat_result]] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(directory)
        for name in [*dirnames, *filenames]:
            path = base / name
            relative = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                target = os.readlink(path)
                if not _link_stays_inside(root, path, target):
                    path.unlink()
                    removed.append(NeutralisedEntry(path=relative, reason="symlink-outside-root", target=target))
            elif stat.S_ISREG(info.st_mode):
                key = (info.st_dev, info.st_ino)
                inside[key] = inside.get(key, 0) + 1
                files.append((path, info))
            elif not stat.S_ISDIR(info.st_mode):
                path.unlink()
                removed.append(NeutralisedEntry(path=relative, reason="special-file"))
    for path, info in files:
        # A hard link shared with a file outside the root would let a write (or a read) reach that file.
        if info.st_nlink > inside[(info.st_dev, info.st_ino)]:
            path.unlink()
            removed.append(NeutralisedEntry(path=path.relative_to(root).as_posix(), reason="hardlink-outside-root"))
    return removed


def _link_stays_inside(root: Path, link: Path, target: str) -> bool:
    """Whether ``target`` (read from ``link``) names a place inside ``root``, judged lexically and by resolving."""
    if not target or PurePosixPath(target).is_absolute():
        return False
    lexical = os.path.normpath(link.parent / target)
    if not _is_within(root, Path(lexical)):
        return False
    # Resolving follows the chain of links already in the tree (never outside: each was checked or is checked).
    return _is_within(root, Path(os.path.realpath(link)))


def _is_within(root: Path, path: Path) -> bool:
    return path == root or root in path.parents


def listing(root: Path) -> list[ListingEntry]:
    """Every entry under ``root`` (not following links), sorted by path."""
    root = root.resolve()
    entries: list[ListingEntry] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(directory)
        for name in [*dirnames, *filenames]:
            path = base / name
            info = path.lstat()
            relative = path.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                entries.append(ListingEntry(path=relative, type=EntryType.SYMLINK, target=os.readlink(path)))
            elif stat.S_ISDIR(info.st_mode):
                entries.append(ListingEntry(path=relative, type=EntryType.DIRECTORY))
            elif stat.S_ISREG(info.st_mode):
                entries.append(ListingEntry(path=relative, type=EntryType.FILE, size=info.st_size))
            else:
                entries.append(ListingEntry(path=relative, type=EntryType.OTHER))
    return sorted(entries, key=lambda entry: entry.path)


def usage(root: Path) -> tuple[int, int, int]:
    """(entries, regular files, their bytes) under ``root``, not following links: the check made while unblob runs."""
    count = 0
    files = 0
    total = 0
    stack = [str(root)]
    while stack:
        try:
            with os.scandir(stack.pop()) as scan:
                for entry in scan:
                    count += 1
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        files += 1
                        total += entry.stat(follow_symlinks=False).st_size
        except OSError:
            continue
    return count, files, total
