"""A bounded, symlink-safe view of one extracted root filesystem.

The walk uses ``os.scandir`` without following symlinks, so a link can neither leave the root nor loop; links are
recorded, and :meth:`RootTree.resolve` follows them the way the device would (absolute targets are taken relative
to the root, ``..`` never climbs above it, at most 16 hops). Regular files only are read; files past the size limit
are listed but not read for content scans, and the walk stops at the file-count limit, saying so.
"""

from __future__ import annotations

import mmap
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BufferedReader
from pathlib import Path, PurePosixPath

#: O_NOFOLLOW: a symlink swapped in after the walk is not followed; O_NONBLOCK: a FIFO swapped in cannot block.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
#: Files up to this size are read into memory; larger ones are mapped.
SMALL_FILE_BYTES = 256 * 1024
#: Symlink hops :meth:`RootTree.resolve` follows before giving up (the kernel's own limit is 40).
MAX_LINK_HOPS = 16


@dataclass(frozen=True, slots=True)
class TreeFile:
    """A regular file of the root: its path inside the root (POSIX, no leading slash) and its size."""

    rel: str
    size: int


@dataclass(slots=True)
class RootTree:
    """The files and symlinks of one root, gathered by one bounded walk."""

    root: Path
    files: dict[str, TreeFile] = field(default_factory=dict)
    #: Symlink path -> target as written.
    links: dict[str, str] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)
    truncated: bool = False

    @classmethod
    def walk(cls, root: Path, *, max_files: int) -> RootTree:
        """Walk ``root`` (never following symlinks), keeping at most ``max_files`` regular files."""
        tree = cls(root=root)
        stack: list[tuple[str, str]] = [(str(root), "")]
        while stack:
            directory, rel_dir = stack.pop()
            try:
                entries = list(os.scandir(directory))
            except OSError:
                tree.unreadable.append(rel_dir or ".")
                continue
            entries.sort(key=lambda entry: entry.name)
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                try:
                    if entry.is_symlink():
                        tree.links[rel] = os.readlink(entry.path)
                    elif entry.is_dir(follow_symlinks=False):
                        tree.dirs.add(rel)
                        stack.append((entry.path, rel))
                    elif entry.is_file(follow_symlinks=False):
                        if len(tree.files) >= max_files:
                            tree.truncated = True
                            return tree
                        tree.files[rel] = TreeFile(rel=rel, size=entry.stat(follow_symlinks=False).st_size)
                except OSError:
                    tree.unreadable.append(rel)
        return tree

    def resolve(self, rel: str) -> str | None:
        """The regular file (or directory) ``rel`` names inside the root after following symlinks, or None."""
        parts = [part for part in PurePosixPath("/" + rel).parts[1:] if part not in ("", ".")]
        done: list[str] = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                if done:
                    done.pop()
                continue
            current = "/".join([*done, part])
            target = self.links.get(current)
            if target is None:
                done.append(part)
                continue
            hops += 1
            if hops > MAX_LINK_HOPS:
                return None
            target_parts = [p for p in PurePosixPath(target).parts if p not in ("", ".")]
            if target.startswith("/"):
                done = []
                target_parts = target_parts[1:]
            parts = target_parts + parts
        path = "/".join(done)
        if path in self.files or path in self.dirs:
            return path
        return None

    def file(self, rel: str) -> TreeFile | None:
        """The regular file at ``rel`` (following symlinks inside the root), or None."""
        resolved = self.resolve(rel)
        return self.files.get(resolved) if resolved is not None else None

    def under(self, rel_dir: str) -> Iterator[TreeFile]:
        """Regular files directly or indirectly under ``rel_dir`` (not following symlinked directories)."""
        prefix = rel_dir.rstrip("/") + "/"
        for rel, item in self.files.items():
            if rel.startswith(prefix):
                yield item

    def read_bytes(self, item: TreeFile, *, limit: int) -> bytes | None:
        """The file's content (at most ``limit`` bytes), or None if it cannot be read."""
        try:
            with self._open(item) as stream:
                return stream.read(limit)
        except OSError:
            return None

    def read_text(self, rel: str, *, limit: int = 1 << 20) -> str | None:
        """A small text file (config) as text, or None if absent or unreadable."""
        item = self.file(rel)
        if item is None:
            return None
        data = self.read_bytes(item, limit=limit)
        return None if data is None else data.decode("utf-8", errors="replace")

    @contextmanager
    def mapped(self, item: TreeFile) -> Iterator[mmap.mmap | bytes]:
        """The file's content: small files read whole (cheaper than a mapping), larger ones as a read-only mmap.

        Raises OSError if the file cannot be opened or is no longer a regular file.
        """
        fd = os.open(os.path.join(self.root, item.rel), _OPEN_FLAGS)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(f"not a regular file: {item.rel}")
            if item.size <= SMALL_FILE_BYTES:
                chunks = []
                while chunk := os.read(fd, SMALL_FILE_BYTES + 1):
                    chunks.append(chunk)
                    if sum(map(len, chunks)) > SMALL_FILE_BYTES:
                        break
                yield b"".join(chunks)
                return
            with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as view:
                yield view
        finally:
            os.close(fd)

    @contextmanager
    def _open(self, item: TreeFile) -> Iterator[BufferedReader]:
        fd = os.open(self.root / item.rel, _OPEN_FLAGS)
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
            stream = os.fdopen(fd, "rb") if regular else None
        except BaseException:
            os.close(fd)
            raise
        if stream is None:
            os.close(fd)
            raise OSError(f"not a regular file: {item.rel}")
        with stream:
            yield stream
