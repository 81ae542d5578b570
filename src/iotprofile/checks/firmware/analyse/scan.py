"""The one pass over file contents.

Every readable file under the size limit is mapped once and handed to each content scanner (version strings, keys
and certificates, ELF headers).
"""

from __future__ import annotations

import mmap
import struct
import time
from typing import Protocol

from iotprofile.checks.firmware.analyse.tree import RootTree, TreeFile

ELF_MAGIC = b"\x7fELF"


class ContentScanner(Protocol):
    """Something that looks at a file's bytes during the single pass."""

    def scan(self, item: TreeFile, data: mmap.mmap | bytes, *, is_elf: bool) -> None:
        """Look at one file (``data`` is valid only during the call)."""


class ScanStats:
    """Counts the pass keeps (reported in the facts)."""

    def __init__(self) -> None:
        self.scanned = 0
        self.scanned_bytes = 0
        self.skipped_large: list[str] = []
        self.unreadable: list[str] = []
        self.scanner_errors: list[str] = []
        self.timed_out = False


def scan_contents(tree: RootTree, scanners: list[ContentScanner], *, max_scan_bytes: int, deadline: float) -> ScanStats:
    """Map each regular file once and pass it to every scanner; a file that cannot be read is counted, not fatal.

    ``deadline`` is a ``time.monotonic()`` value: past it the pass stops and says so.
    """
    stats = ScanStats()
    for item in tree.files.values():
        if time.monotonic() > deadline:
            stats.timed_out = True
            break
        if item.size > max_scan_bytes:
            stats.skipped_large.append(item.rel)
            continue
        try:
            with tree.mapped(item) as data:
                is_elf = data[:4] == ELF_MAGIC
                for scanner in scanners:
                    try:
                        scanner.scan(item, data, is_elf=is_elf)
                    except (ValueError, IndexError, KeyError, TypeError, OverflowError, struct.error) as error:
                        # A hostile file must not stop the pass: the scanner's bug or the file's corruption is
                        # recorded and the other files are still read.
                        stats.scanner_errors.append(f"{item.rel}: {type(scanner).__name__}: {error}"[:300])
        except (OSError, ValueError):
            stats.unreadable.append(item.rel)
            continue
        stats.scanned += 1
        stats.scanned_bytes += item.size
    return stats
