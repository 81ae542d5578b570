"""A fast path for the most common router layout: squashfs and gzip payloads extracted without unblob.

unblob takes about 1.5 s just to import, which dominates a small image. Most router images are a uImage or TRX
kernel (gzip) followed by a squashfs root filesystem. When every carved payload of an image is exactly one of
those, and nothing inside them is another archive unblob would descend into, this module extracts them directly
(``unsquashfs``, :mod:`zlib`) into the same layout unblob produces (``<job>_extract/``; a gzip member as
``gzip.uncompressed``; absolute symlinks rewritten relative to the filesystem root, as unblob does), and reports
the same chunks. Anything else returns ``None`` and the caller runs unblob: the fast path never guesses.

Bounds: the file-size cap applies to the decompressed gzip and to what unsquashfs writes (checked after it runs,
and unsquashfs is killed at the time limit); containment (links out of the root) is checked by the caller on the
result exactly as for unblob's output.
"""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

#: Magic numbers unblob would descend into: if a payload holds any of them, the fast path steps aside.
_ARCHIVE_MAGICS = (
    b"hsqs",
    b"sqsh",
    b"\x1f\x8b\x08",
    b"070701",
    b"070702",
    b"BZh91",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",
    b"UBI#",
    b"\x85\x19",
    b"\x19\x85",
    b"PK\x03\x04",
    b"7z\xbc\xaf\x27\x1c",
    b"\x27\x05\x19\x56",
    b"\xd0\x0d\xfe\xed",
    b"HDR0",
    b"\x89LZO",
    b"\x04\x22\x4d\x18",
)
_USTAR = b"ustar"
_SQUASHFS_PADDING = (4096, 1024)
_SCAN_HEAD = 512


@dataclass(frozen=True)
class NativeChunk:
    """A chunk of one job file, as unblob would report it (offset relative to the job file)."""

    start: int
    end: int
    handler: str


@dataclass(frozen=True)
class NativeJob:
    """What the fast path did for one job file."""

    chunks: tuple[NativeChunk, ...]
    depth: int


def _squashfs_end(data_head: bytes, size: int) -> int | None:
    """The end of a little-endian squashfs v4 that fills the file (with unblob's padding rule), else None."""
    if len(data_head) < 96 or data_head[:4] != b"hsqs":
        return None
    major = struct.unpack_from("<H", data_head, 28)[0]
    used = struct.unpack_from("<Q", data_head, 40)[0]
    if major != 4 or used <= 0 or used > size:
        return None
    if used == size:
        return size
    for pad in _SQUASHFS_PADDING:
        if (used + pad - 1) // pad * pad == size:
            return size
    return None


def _holds_archive(data: bytes) -> bool:
    if any(magic in data for magic in _ARCHIVE_MAGICS):
        return True
    return len(data) > 262 and data[257:262] == _USTAR


def _gunzip(path: Path, out: Path, max_bytes: int) -> bool:
    """Decompress a file that is exactly one gzip member; False (and nothing kept) if it is not, or too big."""
    data = path.read_bytes()
    decompressor = zlib.decompressobj(wbits=31)
    try:
        plain = decompressor.decompress(data, max_bytes + 1)
    except zlib.error:
        return False
    if len(plain) > max_bytes or decompressor.unconsumed_tail or not decompressor.eof or decompressor.unused_data:
        return False
    if _holds_archive(plain):
        return False
    out.mkdir()
    (out / "gzip.uncompressed").write_bytes(plain)
    return True


def _rewrite_absolute_links(root: Path) -> None:
    """Absolute symlinks point into the filesystem they came from: make them relative to ``root`` (as unblob)."""
    for directory, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            link = Path(directory) / name
            if not link.is_symlink():
                continue
            target = os.readlink(link)
            if target.startswith("/"):
                relative = os.path.relpath(root / target.lstrip("/"), link.parent)
                link.unlink()
                link.symlink_to(relative)


def _nested_archive(root: Path) -> bool:
    """Whether any extracted file starts like an archive unblob would open (then the fast path steps aside)."""
    for directory, _, filenames in os.walk(root):
        for name in filenames:
            path = Path(directory) / name
            if path.is_symlink() or not path.is_file():
                continue
            with path.open("rb") as stream:
                head = stream.read(_SCAN_HEAD)
            if any(head.startswith(magic) for magic in _ARCHIVE_MAGICS) or (
                len(head) > 262 and head[257:262] == _USTAR
            ):
                return True
    return False


def _unsquashfs(path: Path, out: Path, *, timeout_s: float, max_bytes: int) -> bool:
    import shutil

    program = shutil.which("unsquashfs")
    if program is None:
        return False
    try:
        done = subprocess.run(  # noqa: S603 (a fixed program with our own arguments)
            [program, "-no-progress", "-quiet", "-d", str(out), str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=max(timeout_s, 0.1),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    if done.returncode != 0:
        return False
    written = sum(
        (Path(d) / f).lstat().st_size for d, _, files in os.walk(out) for f in files if not (Path(d) / f).is_symlink()
    )
    return written <= max_bytes


def extract_natively(jobs: list[tuple[str, str]], *, timeout_s: float, max_bytes: int) -> list[NativeJob] | None:
    """Extract every job (file, output root) without unblob, or return None, leaving nothing behind.

    None when any job is not a whole-file squashfs or gzip, or holds something unblob would descend into.
    """
    import time

    deadline = time.monotonic() + timeout_s
    plans: list[tuple[Path, Path, str, int]] = []
    for source, root in jobs:
        path = Path(source)
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(96)
        if _squashfs_end(head, size) is not None:
            plans.append((path, Path(root) / f"{path.name}_extract", "squashfs_v4_le", size))
        elif head[:3] == b"\x1f\x8b\x08":
            plans.append((path, Path(root) / f"{path.name}_extract", "gzip", size))
        else:
            return None
    results: list[NativeJob] = []
    made: list[Path] = []
    for path, out, handler, size in plans:
        if out.exists():
            _remove(made)
            return None
        remaining = deadline - time.monotonic()
        if handler == "gzip":
            ok = _gunzip(path, out, max_bytes)
        else:
            ok = _unsquashfs(path, out, timeout_s=remaining, max_bytes=max_bytes)
            if ok:
                _rewrite_absolute_links(out)
                ok = not _nested_archive(out)
        if out.exists():
            made.append(out)
        if not ok:
            _remove(made)
            return None
        results.append(NativeJob(chunks=(NativeChunk(0, size, handler),), depth=1))
    return results


def _remove(paths: list[Path]) -> None:
    import shutil

    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
